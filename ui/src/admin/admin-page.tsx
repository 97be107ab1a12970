/**
 * Admin: users, API tokens, the audit log, pools and secrets, one tab each (`#/admin/<tab>`).
 * Only admins see it; operators and viewers reach the pools alone (`#/admin/pools`, read-only),
 * since the occupancy explains why their tasks wait. The server enforces the roles either way.
 */
import { useEffect } from "react";
import { useCan } from "../auth";
import { Empty } from "../components/status";
import { href } from "../router";
import { AuditTab } from "./audit-tab";
import { PoolsTab } from "./pools-tab";
import { SecretsTab } from "./secrets-tab";
import { TokensTab } from "./tokens-tab";
import { UsersTab } from "./users-tab";
import "./admin.css";

const TABS = [
  { id: "users", label: "Users" },
  { id: "tokens", label: "API tokens" },
  { id: "audit", label: "Audit log" },
  { id: "pools", label: "Pools" },
  { id: "secrets", label: "Secrets" },
] as const;

type TabId = (typeof TABS)[number]["id"];

export function AdminPage({ tab }: { tab: string | undefined }) {
  const isAdmin = useCan("admin");
  const current: TabId = TABS.find((t) => t.id === tab)?.id ?? "users";
  // Everyone else reaches the pools alone: titled as what they see.
  const title = !isAdmin && current === "pools" ? "Pools" : "Admin";

  useEffect(() => {
    document.title = `${title} · Tributary`;
    return () => {
      document.title = "Tributary";
    };
  }, [title]);

  if (!isAdmin) {
    return (
      <section className="page admin-page" aria-labelledby="admin-title">
        <div className="page-head">
          <h1 id="admin-title">{title}</h1>
        </div>
        {current === "pools" ? (
          <PoolsTab />
        ) : (
          <Empty title="This page needs the admin role">
            Users, API tokens, the audit log and secrets are managed by admins. <a href={href(["admin", "pools"])}>Pools</a> are open to everyone.
          </Empty>
        )}
      </section>
    );
  }
  return (
    <section className="page admin-page" aria-labelledby="admin-title">
      <div className="page-head">
        <h1 id="admin-title">Admin</h1>
      </div>
      <nav className="admin-tabs" aria-label="Admin pages">
        {TABS.map((t) => (
          <a key={t.id} href={href(["admin", t.id])} aria-current={current === t.id ? "page" : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      {current === "users" ? <UsersTab /> : null}
      {current === "tokens" ? <TokensTab /> : null}
      {current === "audit" ? <AuditTab /> : null}
      {current === "pools" ? <PoolsTab /> : null}
      {current === "secrets" ? <SecretsTab /> : null}
    </section>
  );
}
