/**
 * The app: asks the server who is logged in (the session cookie survives a reload), shows the
 * login or password-change page when needed, else the layout with the page the URL names.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { get, post, setCsrfToken, setUnauthenticatedHandler } from "./api/client";
import type { Me } from "./api/types";
import { AdminPage } from "./admin/admin-page";
import { SessionContext, type Session } from "./auth";
import { Layout } from "./components/layout";
import { Loading } from "./components/status";
import { LiveUpdatesProvider } from "./live/live-updates";
import { AlertsPage } from "./pages/alerts-page";
import { ApprovalsPage } from "./pages/approvals-page";
import { BackfillsPage } from "./pages/backfills-page";
import { ChangePasswordPage } from "./pages/change-password-page";
import { DagPage } from "./pages/dag-page";
import { DagsPage } from "./pages/dags-page";
import { DatasetsPage } from "./pages/datasets-page";
import { LineagePage } from "./pages/lineage-page";
import { LogPage } from "./pages/log-page";
import { LoginPage } from "./pages/login-page";
import { RunsPage } from "./pages/runs-page";
import { useRoute } from "./router";

type AuthState = { kind: "checking" } | { kind: "anonymous"; reason?: string } | { kind: "in"; me: Me };

export function App() {
  const [auth, setAuth] = useState<AuthState>({ kind: "checking" });

  const signedIn = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    setAuth({ kind: "in", me });
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => setAuth({ kind: "anonymous", reason: "Your session has ended; please log in again." }));
    get<Me>("auth/me").then(signedIn, () => setAuth({ kind: "anonymous" }));
  }, [signedIn]);

  const session = useMemo<Session | undefined>(
    () =>
      auth.kind === "in"
        ? {
            me: auth.me,
            logout: async () => {
              await post("auth/logout").catch(() => undefined);
              setCsrfToken(null);
              setAuth({ kind: "anonymous" });
            },
          }
        : undefined,
    [auth],
  );

  if (auth.kind === "checking") return <Loading label="Starting…" />;
  if (auth.kind === "anonymous") return <LoginPage notice={auth.reason} onLoggedIn={signedIn} />;
  if (auth.me.mustChangePassword) {
    return <ChangePasswordPage me={auth.me} onChanged={(csrfToken) => signedIn({ ...auth.me, mustChangePassword: false, csrfToken })} />;
  }
  return (
    <SessionContext.Provider value={session}>
      <LiveUpdatesProvider>
        <Layout>
          <Page />
        </Layout>
      </LiveUpdatesProvider>
    </SessionContext.Provider>
  );
}

function Page() {
  const route = useRoute();
  const [section, id, sub, subId, view] = route.parts;
  switch (section) {
    case "dags":
      return id === undefined ? <DagsPage /> : <DagPage dagId={id} />;
    case "runs":
      // A try's full-page log: #/runs/<runId>/tasks/<taskId>/log?try=N&map=M
      return id !== undefined && sub === "tasks" && subId !== undefined && view === "log" ? <LogPage runId={id} taskId={subId} /> : <RunsPage />;
    case "backfills":
      return <BackfillsPage />;
    case "datasets":
      return id === "lineage" ? <LineagePage /> : <DatasetsPage />;
    case "alerts":
      return <AlertsPage />;
    case "approvals":
      return <ApprovalsPage />;
    case "admin":
      return <AdminPage tab={id} />;
    default:
      return <DagsPage />;
  }
}
