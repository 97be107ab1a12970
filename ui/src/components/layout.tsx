/** The header (brand, navigation with the count of approvals waiting for me, live status, theme, user and role) around every page. */
import { useEffect, useState, type ReactNode } from "react";
import { useCan, useSession } from "../auth";
import { useLiveStatus } from "../live/live-updates";
import { useWaitingApprovals } from "../live/use-waiting-approvals";
import { Logo } from "../pages/login-page";
import { useRoute } from "../router";
import { ZonePicker } from "../time/zone-picker";

/** The main navigation: the first part of the URL hash names the section. */
const NAV = [
  { section: "dags", label: "DAGs" },
  { section: "runs", label: "Runs" },
  { section: "backfills", label: "Backfills" },
  { section: "datasets", label: "Datasets" },
  { section: "approvals", label: "Approvals" },
  { section: "alerts", label: "Dead letters & alerts" },
] as const;

/** Admins get the admin pages; everyone else the pools alone (read-only). */
const adminNav = (isAdmin: boolean) => ({ section: "admin", href: isAdmin ? "#/admin" : "#/admin/pools", label: isAdmin ? "Admin" : "Pools" });

/** The approvals count in the navigation also follows the live stream; polling is the fallback. */
const NAV_COUNT_POLL_MS = 60_000;

type Theme = "light" | "dark";

function initialTheme(): Theme {
  const saved = document.documentElement.dataset.theme;
  if (saved === "light" || saved === "dark") return saved;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function Layout({ children }: { children: ReactNode }) {
  const { me, logout } = useSession();
  const isAdmin = useCan("admin");
  const route = useRoute();
  const live = useLiveStatus();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [menuOpen, setMenuOpen] = useState(false);
  const current = route.parts[0] ?? "dags";
  const waitingForMe = useWaitingApprovals({ mine: true }, NAV_COUNT_POLL_MS).data?.approvals.length ?? 0;

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    try {
      localStorage.setItem("tributary.theme", theme);
    } catch {
      // private mode: the theme lasts for this page only
    }
  }, [theme]);
  useEffect(() => setMenuOpen(false), [current]);

  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header className="topbar">
        <a className="brand" href="#/dags">
          <Logo /> Tributary
        </a>
        <button type="button" className="btn btn-icon menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" aria-label="Menu" onClick={() => setMenuOpen((o) => !o)}>
          ☰
        </button>
        <nav id="main-nav" className={menuOpen ? "nav nav-open" : "nav"} aria-label="Main">
          {[...NAV.map((item) => ({ ...item, href: `#/${item.section}` })), adminNav(isAdmin)].map((item) => (
            <a key={item.section} href={item.href} aria-current={current === item.section ? "page" : undefined}>
              {item.label}
              {item.section === "approvals" && waitingForMe > 0 ? (
                <span className="nav-count" data-testid="approvals-count" aria-label={`${waitingForMe} waiting for me`}>
                  {waitingForMe}
                </span>
              ) : null}
            </a>
          ))}
        </nav>
        <div className="topbar-right">
          <ZonePicker />
          <span className={live ? "live live-on" : "live"} title={live ? "Live updates on" : "Live updates reconnecting"}>
            <span className="dot" aria-hidden="true" />
            <span className="live-text">{live ? "Live" : "Offline"}</span>
          </span>
          <button
            type="button"
            className="btn btn-icon"
            aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
            title="Toggle theme"
            onClick={() => setTheme((t) => (t === "dark" ? "light" : "dark"))}
          >
            {theme === "dark" ? "☀" : "☾"}
          </button>
          <span className="user" data-testid="current-user">
            <span className="user-name">{me.username}</span>
            <span className={`role role-${me.role}`}>{me.role}</span>
          </span>
          <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
