/**
 * Generated from the API's OpenAPI document by `npm run api:types` (scripts/api-types.ts, openapi-typescript).
 * Do not edit: change the route's zod schemas (src/api/responses/) and run it again.
 */
export interface paths {
    readonly "/api/v1/alerts": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Alerts, newest first, each with its occurrences (count, last seen, last run) */
        readonly get: operations["listAlerts"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/alerts/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** An alert with its deliveries and their attempts */
        readonly get: operations["getAlert"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/alerts/{id}/ack": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Acknowledge an alert: its escalation stops (no page, no ticket) */
        readonly post: operations["ackAlert"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/alerts/{id}/resolve": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Resolve an alert: the channels already told hear of it (Slack, PagerDuty...) */
        readonly post: operations["resolveAlert"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/approvals": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Approvals waiting for an answer, oldest request first (`mine=true`: only those the caller may answer) */
        readonly get: operations["listWaitingApprovals"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/audit": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The audit log, latest first; filter by action, actor (a user name also matches their tokens, `cli` every local command), target and time; page with `before` (the last id you have) */
        readonly get: operations["listAudit"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/auth/login": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Log in with a password; sets the session cookie and returns the CSRF token */
        readonly post: operations["login"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/auth/logout": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** End this session */
        readonly post: operations["logout"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/auth/me": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Who is calling */
        readonly get: operations["getMe"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/auth/password": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Change your password; ends every session of yours and opens a new one for this browser */
        readonly post: operations["changePassword"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/backfills": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Backfills, newest first */
        readonly get: operations["listBackfills"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/backfills/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A backfill with its progress */
        readonly get: operations["getBackfill"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/backfills/{id}/cancel": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Stop a running or paused backfill for good: it starts no more runs (runs in flight finish) */
        readonly post: operations["cancelBackfill"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/backfills/{id}/pause": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Pause a running backfill: it starts no more runs until it is resumed (runs in flight go on) */
        readonly post: operations["pauseBackfill"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/backfills/{id}/resume": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Resume a paused backfill (an interrupted tributary backfill, say): the schedulers start its runs again; a running one stays running */
        readonly post: operations["resumeBackfill"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/dags": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** List DAGs with their schedule, next run and recent runs */
        readonly get: operations["listDags"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/dags/{dagId}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A DAG with its structure */
        readonly get: operations["getDag"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        /** Pause or unpause a DAG */
        readonly patch: operations["setDagPaused"];
        readonly trace?: never;
    };
    readonly "/api/v1/dags/{dagId}/backfills": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Backfill a date range (both ends included, in the DAG's timezone); dryRun lists the intervals and creates nothing */
        readonly post: operations["createBackfill"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/dags/{dagId}/runs": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Trigger a manual run with params (validated against the DAG's schema: 422 when they fail it) */
        readonly post: operations["triggerRun"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/dags/{dagId}/source": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The source file of a DAG */
        readonly get: operations["getDagSource"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/dags/{dagId}/versions": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The versions of a DAG that runs used, newest first */
        readonly get: operations["listDagVersions"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/dags/{dagId}/versions/{version}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** One version of a DAG: the graph and source a run used (tasks removed since included) */
        readonly get: operations["getDagVersion"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/datasets": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Datasets with their last update, writer and freshness */
        readonly get: operations["listDatasets"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/datasets/events": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Report that an external system updated a dataset (DAGs scheduled on it run) */
        readonly post: operations["postDatasetEvent"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/dead-letters": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Dead-lettered task instances */
        readonly get: operations["listDeadLetters"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/events": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Post an event: starts a run of every DAG subscribed to it, and reaches every task waiting for it */
        readonly post: operations["postEvent"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/import-errors": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** DAG files that failed to load */
        readonly get: operations["listImportErrors"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/lineage": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The datasets, tasks and DAGs downstream (affected by) or upstream (feeding) a dataset URI, dag:<id> or task:<dag>.<task> */
        readonly get: operations["getLineage"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/pools": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Pools with their slots and occupancy (running and queued task instances); pools that tasks name but nobody configured have `slots: null` (no limit) */
        readonly get: operations["listPools"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/pools/{name}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        /** Create a pool or set its slots and description (an absent description clears it) */
        readonly put: operations["setPool"];
        readonly post?: never;
        /** Delete a pool: its tasks run without a limit */
        readonly delete: operations["deletePool"];
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** List DAG runs, latest logical date first */
        readonly get: operations["listRuns"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A DAG run, with its note (null when it has none) */
        readonly get: operations["getRun"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/cancel": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Cancel a queued or running run */
        readonly post: operations["cancelRun"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/clear": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Run a finished run again: all its tasks, or only the failed ones */
        readonly post: operations["clearRun"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/history": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Every state change of a run and its task instances, oldest first */
        readonly get: operations["getRunHistory"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/note": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        /** Write the run's note (at most 10000 characters), replacing the one it had; an empty note removes it */
        readonly put: operations["setRunNote"];
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/tasks": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The task instances of a run */
        readonly get: operations["listTaskInstances"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/tasks/{taskId}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A task instance with its tries */
        readonly get: operations["getTaskInstance"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/tasks/{taskId}/approval": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Answer a human approval: approve with an answer that fits its form, or reject */
        readonly post: operations["answerApproval"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/tasks/{taskId}/clear": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Run a task instance again (and optionally everything downstream of it) */
        readonly post: operations["clearTaskInstance"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/tasks/{taskId}/logs": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Log lines of one try (default: the latest), oldest first; page with `after` (the last line id you have) */
        readonly get: operations["getTaskLogs"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/tasks/{taskId}/logs/download": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The whole log of one try (default: the latest) as a text file (`text/plain`, an attachment): one line per log line, its time (UTC), level or stream, and message */
        readonly get: operations["downloadTaskLog"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/tasks/{taskId}/logs/stream": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Server-sent events: the try's log lines as they are written (`log` events), then `end` when the try has finished */
        readonly get: operations["streamTaskLog"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/{runId}/tasks/{taskId}/mark": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Mark a task instance success or failed */
        readonly post: operations["markTaskInstance"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/runs/bulk": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Act on several runs at once (at most 100): clear their failed tasks, mark them success or failed, or cancel them; a result per run */
        readonly post: operations["actOnRuns"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/secrets": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Secret names and where each comes from (environment, files, store), never values; whether this server can store secrets */
        readonly get: operations["listSecrets"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/secrets/{name}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        /** Store a secret, encrypted with the server's TRIBUTARY_SECRET_KEY (replaces the stored value of that name) */
        readonly put: operations["setSecret"];
        readonly post?: never;
        /** Delete a stored secret (secrets of the environment or files are removed where they are set) */
        readonly delete: operations["deleteSecret"];
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/sla-misses": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** SLA and task deadline misses, newest first */
        readonly get: operations["listSlaMisses"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/stream": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Server-sent events: one `state` event per state change (run or task instance) */
        readonly get: operations["streamStateChanges"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/tokens": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** List API tokens (never their values) */
        readonly get: operations["listTokens"];
        readonly put?: never;
        /** Create an API token for a user; the value is shown only in this response */
        readonly post: operations["createToken"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/tokens/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        readonly post?: never;
        /** Revoke an API token */
        readonly delete: operations["revokeToken"];
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** List users */
        readonly get: operations["listUsers"];
        readonly put?: never;
        /** Create a user */
        readonly post: operations["createUser"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/api/v1/users/{username}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        readonly post?: never;
        /** Delete a user with their tokens and sessions */
        readonly delete: operations["deleteUser"];
        readonly options?: never;
        readonly head?: never;
        /** Change a user's role or password (a new password ends their sessions) */
        readonly patch: operations["updateUser"];
        readonly trace?: never;
    };
    readonly "/health": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Liveness and store reachability */
        readonly get: operations["getHealth"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/metrics": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Prometheus metrics */
        readonly get: operations["getMetrics"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        readonly Alert: {
            readonly acknowledgedAt: string | null;
            readonly acknowledgedBy: string | null;
            /** Format: date-time */
            readonly createdAt: string;
            readonly dagId: string;
            readonly dedupKey: string;
            readonly details: string;
            readonly id: number;
            /** @enum {string} */
            readonly kind: "dead_letter" | "sla_miss" | "approval";
            /** @description The run of the latest occurrence (`runId` is the first one's) */
            readonly lastRunId: string | null;
            /** Format: date-time */
            readonly lastSeenAt: string;
            readonly mapIndex: number | null;
            /** @description Repeats of the same DAG, task and kind while the alert was open */
            readonly occurrences: number;
            readonly resolvedAt: string | null;
            readonly resolvedBy: string | null;
            readonly runId: string | null;
            readonly state: components["schemas"]["AlertState"];
            readonly taskId: string | null;
            readonly taskInstanceId: number | null;
            readonly ticketKey: string | null;
            readonly title: string;
        };
        readonly AlertDelivery: {
            readonly alertId: number;
            readonly attempts: number;
            readonly channel: string;
            /** Format: date-time */
            readonly dueAt: string;
            /** @enum {string} */
            readonly event: "notify" | "trigger" | "acknowledge" | "resolve" | "ticket";
            readonly id: number;
            readonly lastError: string | null;
            readonly sentAt: string | null;
            /** @enum {string} */
            readonly state: "pending" | "sending" | "sent" | "failed" | "cancelled";
            readonly step: number;
        };
        readonly AlertDetail: {
            readonly acknowledgedAt: string | null;
            readonly acknowledgedBy: string | null;
            readonly attempts: readonly components["schemas"]["DeliveryAttempt"][];
            /** Format: date-time */
            readonly createdAt: string;
            readonly dagId: string;
            readonly dedupKey: string;
            readonly deliveries: readonly components["schemas"]["AlertDelivery"][];
            readonly details: string;
            readonly id: number;
            /** @enum {string} */
            readonly kind: "dead_letter" | "sla_miss" | "approval";
            /** @description The run of the latest occurrence (`runId` is the first one's) */
            readonly lastRunId: string | null;
            /** Format: date-time */
            readonly lastSeenAt: string;
            readonly mapIndex: number | null;
            /** @description Repeats of the same DAG, task and kind while the alert was open */
            readonly occurrences: number;
            readonly resolvedAt: string | null;
            readonly resolvedBy: string | null;
            readonly runId: string | null;
            readonly state: components["schemas"]["AlertState"];
            readonly taskId: string | null;
            readonly taskInstanceId: number | null;
            readonly ticketKey: string | null;
            readonly title: string;
        };
        readonly AlertList: {
            readonly alerts: readonly components["schemas"]["Alert"][];
        };
        readonly AlertPolicy: {
            readonly email?: {
                readonly to: readonly string[];
            } | false;
            readonly escalateAfterMs?: number;
            readonly jira?: {
                readonly issueType?: string;
                readonly project: string;
                readonly url?: string;
            } | false;
            readonly pagerduty?: {
                readonly routingKey: string;
                readonly url?: string;
            } | false;
            readonly slack?: string | false;
            readonly ticketAfterMs?: number;
            readonly webhooks?: readonly string[];
        };
        /** @enum {string} */
        readonly AlertState: "open" | "acknowledged" | "resolved";
        readonly ApiToken: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly id: number;
            readonly lastUsedAt: string | null;
            readonly name: string;
            readonly revokedAt: string | null;
            readonly role: components["schemas"]["Role"];
            readonly userId: number;
            readonly username: string;
        };
        readonly ApiTokenList: {
            readonly tokens: readonly components["schemas"]["ApiToken"][];
        };
        readonly ApprovalPolicy: {
            readonly approvers: {
                /** @enum {string} */
                readonly role: "viewer" | "operator" | "admin";
            } | {
                readonly users: readonly string[];
            };
            readonly description?: string;
            /** @description The answer's form as JSON Schema */
            readonly form: {
                readonly [key: string]: unknown;
            };
            readonly notify: boolean;
            readonly onTimeout: {
                /** @constant */
                readonly kind: "fail";
            } | {
                /** @constant */
                readonly kind: "skip";
            } | {
                readonly answer: unknown;
                /** @constant */
                readonly kind: "answer";
            };
            readonly timeoutMs: number;
        };
        readonly AuditEntry: {
            readonly action: string;
            readonly actor: string;
            /** Format: date-time */
            readonly at: string;
            readonly details: {
                readonly [key: string]: unknown;
            };
            readonly id: number;
            readonly target: string | null;
        };
        readonly AuditList: {
            readonly entries: readonly components["schemas"]["AuditEntry"][];
        };
        readonly Backfill: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly createdBy: string | null;
            readonly dagId: string;
            readonly endedAt: string | null;
            /** Format: date-time */
            readonly from: string;
            readonly id: number;
            readonly maxActiveRuns: number;
            readonly progress: {
                readonly done: number;
                readonly failed: number;
                readonly running: number;
                readonly skipped: number;
                readonly succeeded: number;
                readonly total: number;
            };
            readonly reprocess: components["schemas"]["ReprocessMode"];
            readonly state: components["schemas"]["BackfillState"];
            /** Format: date-time */
            readonly to: string;
        };
        readonly BackfillExcludedTick: {
            /** @description the tick's day in the DAG's timezone, YYYY-MM-DD */
            readonly ds: string;
            /** @enum {string} */
            readonly reason: "listed" | "not a business day";
            /** @description with onExcluded: "shift", the logical date the tick moved to */
            readonly shiftedTo: string | null;
            /** Format: date-time */
            readonly tick: string;
        };
        readonly BackfillInterval: {
            /** @enum {string} */
            readonly action: "create" | "skip" | "rerun" | "rerun_failed" | "resume";
            /** Format: date-time */
            readonly dataIntervalEnd: string;
            /** Format: date-time */
            readonly dataIntervalStart: string;
            readonly existingRunId: string | null;
            /** Format: date-time */
            readonly logicalDate: string;
        };
        readonly BackfillList: {
            readonly backfills: readonly components["schemas"]["Backfill"][];
        };
        readonly BackfillPlan: {
            readonly dagId: string;
            /** @constant */
            readonly dryRun: true;
            /** @description schedule ticks in the range on days the DAG's calendar excludes: they get no run of their own */
            readonly excluded: readonly components["schemas"]["BackfillExcludedTick"][];
            /** Format: date-time */
            readonly from: string;
            readonly intervals: readonly components["schemas"]["BackfillInterval"][];
            /** Format: date-time */
            readonly to: string;
        };
        /** @enum {string} */
        readonly BackfillState: "running" | "paused" | "completed" | "cancelled";
        /** @enum {string} */
        readonly BulkRunAction: "clear_failed" | "mark_success" | "mark_failed" | "cancel";
        readonly BulkRunAnswer: {
            readonly action: components["schemas"]["BulkRunAction"];
            readonly results: readonly components["schemas"]["BulkRunResult"][];
        };
        readonly BulkRunResult: {
            /** @constant */
            readonly ok: true;
            readonly run: components["schemas"]["Run"];
            readonly runId: string;
        } | {
            readonly error: {
                readonly code: string;
                readonly field?: string;
                readonly message: string;
                readonly requestId?: string;
            };
            /** @constant */
            readonly ok: false;
            readonly runId: string;
        };
        readonly ClearTasksAnswer: {
            /** @description How many task instances were cleared */
            readonly cleared: number;
            readonly run: components["schemas"]["Run"];
        };
        readonly CreatedToken: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly id: number;
            readonly lastUsedAt: string | null;
            readonly name: string;
            readonly revokedAt: string | null;
            readonly role: components["schemas"]["Role"];
            /** @description The token's value: sent only this once */
            readonly token: string;
            readonly userId: number;
            readonly username: string;
        };
        readonly DagDetail: {
            readonly catchup: boolean | null;
            readonly dagId: string;
            readonly datasetSchedule: components["schemas"]["DatasetSchedule"] | null;
            readonly description: string | null;
            readonly endDate: string | null;
            readonly file: string | null;
            readonly isPaused: boolean;
            readonly loaded: boolean;
            readonly maxActiveRuns: number | null;
            readonly maxActiveTasks: number | null;
            readonly nextRun: {
                /** Format: date-time */
                readonly createdAt: string;
                /** Format: date-time */
                readonly dataIntervalEnd: string;
                /** Format: date-time */
                readonly dataIntervalStart: string;
                /** Format: date-time */
                readonly logicalDate: string;
            } | null;
            /** @description The params schema as JSON Schema (for forms), or null */
            readonly params: unknown;
            /** @description A cron expression, a preset, dataset URIs, `{ datasets, when }`, or null (triggered only) */
            readonly schedule: unknown;
            readonly schedulerLag: {
                readonly latestSeconds: number;
                readonly maxSeconds: number;
                readonly runs: number;
            } | null;
            readonly scheduleText: string | null;
            readonly startDate: string | null;
            readonly tags: readonly string[];
            readonly tasks: readonly components["schemas"]["TaskSpec"][];
            readonly timezone: string | null;
            /** @description The loaded version: new runs and cleared tasks run with it (null when the DAG is not loaded) */
            readonly version: string | null;
        };
        readonly DagGraph: {
            readonly alerts?: components["schemas"]["AlertPolicy"];
            readonly dagId: string;
            readonly datasetSchedule?: components["schemas"]["DatasetSchedule"];
            readonly slaMs?: number;
            readonly tasks: readonly components["schemas"]["TaskSpec"][];
        };
        readonly DagList: {
            readonly dags: readonly components["schemas"]["DagListEntry"][];
            readonly importErrors: readonly components["schemas"]["ImportError"][];
        };
        readonly DagListEntry: {
            readonly catchup: boolean | null;
            readonly dagId: string;
            readonly description: string | null;
            readonly endDate: string | null;
            readonly file: string | null;
            readonly isPaused: boolean;
            readonly maxActiveRuns: number | null;
            readonly maxActiveTasks: number | null;
            readonly nextRun: {
                /** Format: date-time */
                readonly createdAt: string;
                /** Format: date-time */
                readonly dataIntervalEnd: string;
                /** Format: date-time */
                readonly dataIntervalStart: string;
                /** Format: date-time */
                readonly logicalDate: string;
            } | null;
            readonly recentRuns: readonly components["schemas"]["RunSummary"][];
            /** @description A cron expression, a preset, dataset URIs, `{ datasets, when }`, or null (triggered only) */
            readonly schedule: unknown;
            readonly scheduleText: string | null;
            readonly startDate: string | null;
            readonly tags: readonly string[];
            readonly timezone: string | null;
            /** @description The loaded version: new runs and cleared tasks run with it (null when the DAG is not loaded) */
            readonly version: string | null;
        };
        readonly DagSource: {
            readonly dagId: string;
            readonly file: string;
            readonly source: string;
        };
        readonly DagSummary: {
            readonly catchup: boolean | null;
            readonly dagId: string;
            readonly description: string | null;
            readonly endDate: string | null;
            readonly file: string | null;
            readonly isPaused: boolean;
            readonly maxActiveRuns: number | null;
            readonly maxActiveTasks: number | null;
            readonly nextRun: {
                /** Format: date-time */
                readonly createdAt: string;
                /** Format: date-time */
                readonly dataIntervalEnd: string;
                /** Format: date-time */
                readonly dataIntervalStart: string;
                /** Format: date-time */
                readonly logicalDate: string;
            } | null;
            /** @description A cron expression, a preset, dataset URIs, `{ datasets, when }`, or null (triggered only) */
            readonly schedule: unknown;
            readonly scheduleText: string | null;
            readonly startDate: string | null;
            readonly tags: readonly string[];
            readonly timezone: string | null;
            /** @description The loaded version: new runs and cleared tasks run with it (null when the DAG is not loaded) */
            readonly version: string | null;
        };
        readonly DagVersion: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly dagId: string;
            readonly graph: components["schemas"]["DagGraph"];
            readonly source: string | null;
            readonly version: string;
        };
        readonly DagVersionList: {
            readonly versions: readonly components["schemas"]["DagVersionSummary"][];
        };
        readonly DagVersionSummary: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly tasks: readonly string[];
            readonly version: string;
        };
        readonly Dataset: {
            /** @description `dagId.taskId` of the tasks that read it, and the DAGs it triggers */
            readonly consumers: readonly string[];
            readonly events: number;
            readonly freshnessMs: number | null;
            readonly lastMetadata: {
                readonly [key: string]: unknown;
            } | null;
            readonly lastUpdatedAt: string | null;
            readonly lastWriter: components["schemas"]["DatasetWriter"];
            /** @description `dagId.taskId` of the tasks that write it */
            readonly producers: readonly string[];
            readonly uri: string;
        };
        readonly DatasetEvent: {
            /** Format: date-time */
            readonly at: string;
            readonly dagId: string | null;
            readonly id: number;
            readonly mapIndex: number | null;
            readonly metadata: {
                readonly [key: string]: unknown;
            };
            readonly runId: string | null;
            readonly source: string | null;
            readonly taskId: string | null;
            readonly tryNumber: number | null;
            readonly uri: string;
        };
        readonly DatasetList: {
            readonly datasets: readonly components["schemas"]["Dataset"][];
        };
        readonly DatasetSchedule: {
            readonly uris: readonly string[];
            /** @enum {string} */
            readonly when: "all" | "any";
        };
        readonly DatasetWriter: ({
            readonly dagId: string;
            /** @constant */
            readonly kind: "task";
            readonly runId: string | null;
            readonly taskId: string;
            readonly tryNumber: number | null;
        } | {
            /** @constant */
            readonly kind: "external";
            readonly source: string | null;
        }) | null;
        readonly DeadLetter: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly dagId: string;
            readonly error: string | null;
            readonly id: number;
            readonly mapIndex: number | null;
            readonly resolution: ("retried" | "acknowledged") | null;
            readonly resolvedAt: string | null;
            readonly runId: string;
            readonly taskId: string;
            readonly taskInstanceId: number;
            readonly tryNumber: number;
        };
        readonly DeadLetterList: {
            readonly deadLetters: readonly components["schemas"]["DeadLetter"][];
        };
        readonly DeliveryAttempt: {
            readonly alertId: number;
            /** Format: date-time */
            readonly at: string;
            readonly attempt: number;
            readonly deliveryId: number;
            readonly durationMs: number;
            readonly error: string | null;
            readonly id: number;
            readonly ok: boolean;
            readonly status: number | null;
        };
        /** @description Every error: a stable code, a message, and the field it is about */
        readonly Error: {
            readonly error: {
                readonly code: string;
                readonly field?: string;
                readonly message: string;
                readonly requestId?: string;
            };
        };
        readonly EventAnswer: {
            /** @description how many tasks waiting for the event (ctx.waitForEvent) it reached */
            readonly delivered: number;
            readonly event: string;
            /** @description the runs started: one per DAG subscribed to the event */
            readonly runs: readonly components["schemas"]["Run"][];
        };
        readonly Health: {
            /** @enum {string} */
            readonly status: "ok" | "unavailable";
            /** @enum {string} */
            readonly store: "sqlite" | "postgres";
        };
        readonly ImportError: {
            readonly file: string | null;
            readonly message: string;
        };
        readonly ImportErrors: {
            readonly importErrors: readonly components["schemas"]["ImportError"][];
        };
        readonly LineageEdge: {
            readonly declared: boolean;
            readonly from: string;
            /** @enum {string} */
            readonly kind: "reads" | "writes" | "feeds" | "triggers" | "contains";
            readonly observed: boolean;
            readonly to: string;
        };
        readonly LineageNode: {
            readonly dagId?: string;
            /** @description `dataset:<uri>`, `dag:<dagId>` or `task:<dagId>/<taskId>` */
            readonly id: string;
            /** @enum {string} */
            readonly kind: "dataset" | "task" | "dag";
            readonly name: string;
            readonly taskId?: string;
            readonly uri?: string;
        };
        readonly LineageResult: {
            readonly depth: number | null;
            /** @enum {string} */
            readonly direction: "downstream" | "upstream";
            readonly edges: readonly components["schemas"]["LineageEdge"][];
            readonly nodes: readonly components["schemas"]["LineageNode"][];
            readonly root: components["schemas"]["LineageNode"];
            readonly tree: components["schemas"]["LineageTree"];
        };
        readonly LineageTree: {
            readonly children: readonly components["schemas"]["LineageTree"][];
            readonly node: components["schemas"]["LineageNode"];
            readonly via?: {
                readonly declared: boolean;
                /** @enum {string} */
                readonly kind: "reads" | "writes" | "feeds" | "triggers" | "contains";
                readonly observed: boolean;
            };
        };
        readonly LoginAnswer: {
            readonly csrfToken: string;
            readonly user: {
                readonly mustChangePassword: boolean;
                readonly role: components["schemas"]["Role"];
                readonly username: string;
            };
        };
        readonly LogLine: {
            /** Format: date-time */
            readonly at: string;
            readonly id: number;
            /** @enum {string} */
            readonly level: "debug" | "info" | "warn" | "error";
            readonly message: string;
            /** @enum {string} */
            readonly stream: "stdout" | "stderr" | "log";
        };
        readonly LogPage: {
            readonly lines: readonly components["schemas"]["LogLine"][];
            readonly nextAfter: number;
            readonly running: boolean;
            readonly tryNumber: number;
        };
        readonly Me: {
            /** @enum {string} */
            readonly authenticatedWith: "session" | "token";
            /** @description The session's CSRF token; null for an API token */
            readonly csrfToken: string | null;
            readonly mustChangePassword: boolean;
            readonly role: components["schemas"]["Role"];
            readonly username: string;
        };
        readonly PasswordChanged: {
            readonly csrfToken: string | null;
            readonly username: string;
        };
        readonly Pool: {
            readonly description: string | null;
            readonly name: string;
            readonly queued: number;
            readonly running: number;
            /** @description null: tasks name the pool but nobody configured it (no limit) */
            readonly slots: number | null;
        };
        readonly PoolList: {
            readonly pools: readonly components["schemas"]["Pool"][];
        };
        readonly PoolSettings: {
            readonly description: string | null;
            readonly name: string;
            readonly slots: number;
        };
        /** @enum {string} */
        readonly ReprocessMode: "skip" | "failed" | "all";
        /** @enum {string} */
        readonly Role: "viewer" | "operator" | "admin";
        readonly Run: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly dagId: string;
            /** @description The DAG version the run uses (a hash of structure and source); null for runs older than versions */
            readonly dagVersion: string | null;
            /** Format: date-time */
            readonly dataIntervalEnd: string;
            /** Format: date-time */
            readonly dataIntervalStart: string;
            readonly endedAt: string | null;
            /** Format: date-time */
            readonly logicalDate: string;
            readonly params: {
                readonly [key: string]: unknown;
            };
            readonly runId: string;
            readonly runType: components["schemas"]["RunType"];
            readonly startedAt: string | null;
            readonly state: components["schemas"]["RunState"];
        };
        readonly RunHistory: {
            readonly changes: readonly components["schemas"]["StateChange"][];
            /** @description the durable steps (ctx.step) its task instances completed, for the Gantt view */
            readonly steps: readonly components["schemas"]["RunStep"][];
        };
        readonly RunList: {
            readonly limit: number;
            readonly offset: number;
            readonly runs: readonly components["schemas"]["RunWithNote"][];
            readonly total: number;
        };
        readonly RunNote: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly note: string;
            readonly runId: string;
            /** Format: date-time */
            readonly updatedAt: string;
            readonly updatedBy: string | null;
        };
        readonly RunNoteAnswer: {
            readonly note: components["schemas"]["RunNote"] | null;
        };
        /** @enum {string} */
        readonly RunState: "queued" | "running" | "success" | "failed";
        readonly RunStep: {
            /**
             * Format: date-time
             * @description when it completed; for an event step still waiting, its deadline
             */
            readonly endedAt: string;
            /**
             * @description run: a function called once, its result kept; sleep: a ctx.sleep, its result the wake-up time; event: a ctx.waitForEvent named after its event, its result the payload (null while waiting or timed out)
             * @enum {string}
             */
            readonly kind: "run" | "sleep" | "event";
            readonly mapIndex: number | null;
            readonly name: string;
            /** @description the step's position in call order, from 1 */
            readonly number: number;
            /** @description the size of the stored result, as JSON */
            readonly resultBytes: number;
            /** @description the stored result as JSON, cut after 200 characters */
            readonly resultPreview: string;
            /** Format: date-time */
            readonly startedAt: string;
            readonly taskId: string;
            /** @description the try that completed the step; later tries replay its result */
            readonly tryNumber: number;
            /** @description an event step the event has not reached (yet): waiting until endedAt, or timed out once that has passed */
            readonly waiting: boolean;
        };
        readonly RunSummary: {
            readonly endedAt: string | null;
            /** Format: date-time */
            readonly logicalDate: string;
            readonly runId: string;
            readonly runType: components["schemas"]["RunType"];
            readonly startedAt: string | null;
            readonly state: components["schemas"]["RunState"];
        };
        /** @enum {string} */
        readonly RunType: "scheduled" | "manual" | "backfill" | "event";
        readonly RunWithNote: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly dagId: string;
            /** @description The DAG version the run uses (a hash of structure and source); null for runs older than versions */
            readonly dagVersion: string | null;
            /** Format: date-time */
            readonly dataIntervalEnd: string;
            /** Format: date-time */
            readonly dataIntervalStart: string;
            readonly endedAt: string | null;
            /** Format: date-time */
            readonly logicalDate: string;
            readonly note: components["schemas"]["RunNote"] | null;
            readonly params: {
                readonly [key: string]: unknown;
            };
            readonly runId: string;
            readonly runType: components["schemas"]["RunType"];
            readonly startedAt: string | null;
            readonly state: components["schemas"]["RunState"];
        };
        readonly SecretList: {
            readonly secrets: readonly components["schemas"]["SecretSource"][];
            readonly store: {
                readonly keyId: string | null;
                readonly reason: string | null;
                readonly writable: boolean;
            };
        };
        readonly SecretSource: {
            readonly keyId: string | null;
            readonly name: string;
            /** @description The backend that holds the same name first (tasks get its value), or null */
            readonly overriddenBy: string | null;
            /** @description `environment`, `files` or `store` */
            readonly source: string;
            readonly updatedAt: string | null;
        };
        readonly SlaMiss: {
            readonly alertId: number | null;
            readonly dagId: string;
            /** Format: date-time */
            readonly deadlineAt: string;
            /** Format: date-time */
            readonly detectedAt: string;
            readonly id: number;
            readonly runId: string;
            readonly stateAtDetection: string;
            readonly taskId: string | null;
        };
        readonly SlaMissList: {
            readonly slaMisses: readonly components["schemas"]["SlaMiss"][];
        };
        readonly StateChange: {
            /** Format: date-time */
            readonly at: string;
            readonly fromState: string | null;
            readonly id: number;
            readonly mapIndex: number | null;
            readonly reason: string | null;
            readonly runId: string;
            /** @description null for a change of the run's own state */
            readonly taskId: string | null;
            readonly toState: string;
        };
        readonly StoredSecret: {
            readonly keyId: string;
            readonly name: string;
            /** @constant */
            readonly source: "store";
            /** Format: date-time */
            readonly updatedAt: string;
        };
        readonly TaskDatasetEvent: {
            /** Format: date-time */
            readonly at: string;
            readonly metadata: {
                readonly [key: string]: unknown;
            };
            readonly runId: string | null;
            readonly taskId: string | null;
            readonly uri: string;
        };
        readonly TaskInstance: {
            readonly dagId: string;
            readonly endedAt: string | null;
            readonly error: string | null;
            readonly id: number;
            readonly mapIndex: number | null;
            readonly maxTries: number;
            readonly nextRetryAt: string | null;
            /** @description How many times a sensor has poked since the instance was created or cleared */
            readonly pokes: number;
            readonly pool: string | null;
            readonly priority: number;
            readonly queue: string;
            readonly queuedAt: string | null;
            readonly result: unknown;
            readonly runId: string;
            readonly startedAt: string | null;
            readonly state: components["schemas"]["TaskState"];
            readonly taskId: string;
            readonly tryNumber: number;
            /** @description When a sensor's first poke started: its timeout counts from here */
            readonly waitingSince: string | null;
            /** @description Why the instance is deferred: a sensor between pokes, a ctx.sleep, a ctx.waitForEvent, or an approval waiting for its answer */
            readonly waitReason: ("sensor" | "sleep" | "event" | "approval") | null;
            /** @description When a deferred instance wakes up (a sensor's next poke) */
            readonly wakeAt: string | null;
            readonly workerId: string | null;
        };
        readonly TaskInstanceDetail: {
            readonly dagId: string;
            readonly datasetEvents: readonly components["schemas"]["TaskDatasetEvent"][];
            readonly endedAt: string | null;
            readonly error: string | null;
            readonly history: readonly components["schemas"]["StateChange"][];
            readonly id: number;
            readonly mapIndex: number | null;
            readonly maxTries: number;
            readonly nextRetryAt: string | null;
            /** @description How many times a sensor has poked since the instance was created or cleared */
            readonly pokes: number;
            readonly pool: string | null;
            readonly priority: number;
            readonly queue: string;
            readonly queuedAt: string | null;
            readonly result: unknown;
            readonly runId: string;
            readonly startedAt: string | null;
            readonly state: components["schemas"]["TaskState"];
            /** @description the durable steps (ctx.step) its tries completed, in call order */
            readonly steps: readonly components["schemas"]["TaskStep"][];
            readonly taskId: string;
            readonly tries: readonly components["schemas"]["TaskTry"][];
            readonly tryNumber: number;
            /** @description When a sensor's first poke started: its timeout counts from here */
            readonly waitingSince: string | null;
            /** @description Why the instance is deferred: a sensor between pokes, a ctx.sleep, a ctx.waitForEvent, or an approval waiting for its answer */
            readonly waitReason: ("sensor" | "sleep" | "event" | "approval") | null;
            /** @description When a deferred instance wakes up (a sensor's next poke) */
            readonly wakeAt: string | null;
            readonly workerId: string | null;
        };
        readonly TaskInstanceList: {
            readonly taskInstances: readonly components["schemas"]["TaskInstance"][];
        };
        readonly TaskSpec: {
            readonly approval?: components["schemas"]["ApprovalPolicy"];
            readonly deadlineMs?: number;
            readonly id: string;
            readonly inputDatasets: readonly string[];
            readonly inputs?: {
                readonly [key: string]: string;
            };
            /** @enum {string} */
            readonly isolation?: "process" | "thread" | "inline";
            /** @enum {string} */
            readonly kind?: "task" | "shell" | "branch" | "map" | "sensor" | "approval";
            readonly mapOver?: string;
            readonly outputDatasets: readonly string[];
            readonly pool?: string;
            readonly priority?: number;
            readonly queue?: string;
            readonly retry?: {
                readonly backoff?: string;
                readonly jitter?: number;
                readonly maxRetryDelayMs?: number;
                readonly retries?: number;
                readonly retryDelayMs?: number;
            };
            readonly secrets?: readonly string[];
            /** @description How a sensor waits: the time between pokes and how long it may wait from its first poke (docs/sensors.md) */
            readonly sensor?: {
                readonly everyMs: number;
                readonly softFail: boolean;
                readonly timeoutMs: number;
            };
            readonly timeoutMs?: number;
            readonly triggerRule: string;
            readonly upstream: readonly string[];
        };
        /** @enum {string} */
        readonly TaskState: "scheduled" | "queued" | "running" | "deferred" | "success" | "failed" | "retrying" | "skipped" | "upstream_failed";
        readonly TaskStep: {
            /**
             * Format: date-time
             * @description when it completed; for an event step still waiting, its deadline
             */
            readonly endedAt: string;
            /**
             * @description run: a function called once, its result kept; sleep: a ctx.sleep, its result the wake-up time; event: a ctx.waitForEvent named after its event, its result the payload (null while waiting or timed out)
             * @enum {string}
             */
            readonly kind: "run" | "sleep" | "event";
            readonly name: string;
            /** @description the step's position in call order, from 1 */
            readonly number: number;
            /** @description the size of the stored result, as JSON */
            readonly resultBytes: number;
            /** @description the stored result as JSON, cut after 200 characters */
            readonly resultPreview: string;
            /** Format: date-time */
            readonly startedAt: string;
            /** @description the try that completed the step; later tries replay its result */
            readonly tryNumber: number;
            /** @description an event step the event has not reached (yet): waiting until endedAt, or timed out once that has passed */
            readonly waiting: boolean;
        };
        readonly TaskTry: {
            /** @description true when the result came from the cache: the task did not run */
            readonly cached: boolean;
            /** @description the task's cache key (secret values masked), for a task with a cache option */
            readonly cacheKey: string | null;
            readonly endedAt: string | null;
            readonly error: string | null;
            readonly errorKind: ("error" | "timeout" | "crash" | "result_too_large" | "zombie" | "cancelled" | "lost") | null;
            readonly id: number;
            /** @enum {string} */
            readonly outcome: "running" | "success" | "failed";
            readonly queuedAt: string | null;
            /** Format: date-time */
            readonly startedAt: string;
            readonly taskInstanceId: number;
            readonly tryNumber: number;
            readonly workerId: string;
        };
        readonly User: {
            /** Format: date-time */
            readonly createdAt: string;
            readonly mustChangePassword: boolean;
            readonly passwordChangedAt: string | null;
            readonly role: components["schemas"]["Role"];
            readonly username: string;
        };
        readonly UserList: {
            readonly users: readonly components["schemas"]["User"][];
        };
        readonly WaitingApproval: {
            /** @description Whether the caller may answer it */
            readonly canAnswer: boolean;
            readonly dagId: string;
            /** @description When it times out without an answer */
            readonly deadline: string | null;
            /** Format: date-time */
            readonly logicalDate: string;
            readonly mapIndex: number | null;
            /** @description Who answers, the form (JSON Schema) and what a timeout does; null when the DAG is not loaded */
            readonly policy: components["schemas"]["ApprovalPolicy"] | null;
            /** @description When the approval started to wait */
            readonly requestedAt: string | null;
            readonly runId: string;
            readonly taskId: string;
        };
        readonly WaitingApprovalList: {
            readonly approvals: readonly components["schemas"]["WaitingApproval"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    readonly listAlerts: {
        readonly parameters: {
            readonly query?: {
                readonly dagId?: string;
                readonly limit?: number;
                readonly state?: "open" | "acknowledged" | "resolved";
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["AlertList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getAlert: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly id: number;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["AlertDetail"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly ackAlert: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly id: number;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Alert"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly resolveAlert: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly id: number;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Alert"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listWaitingApprovals: {
        readonly parameters: {
            readonly query?: {
                readonly dagId?: string;
                readonly mine?: "true" | "false";
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["WaitingApprovalList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listAudit: {
        readonly parameters: {
            readonly query?: {
                readonly action?: string;
                readonly actor?: string;
                readonly before?: number;
                readonly limit?: number;
                readonly since?: string;
                readonly target?: string;
                readonly until?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["AuditList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly login: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly password: string;
                    readonly username: string;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["LoginAnswer"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts */
            readonly 429: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly logout: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description No content */
            readonly 204: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getMe: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Me"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly changePassword: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly currentPassword: string;
                    readonly newPassword: string;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["PasswordChanged"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts */
            readonly 429: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listBackfills: {
        readonly parameters: {
            readonly query?: {
                readonly dagId?: string;
                readonly state?: "running" | "paused" | "completed" | "cancelled";
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["BackfillList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getBackfill: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly id: number;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Backfill"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly cancelBackfill: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly id: number;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Backfill"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly pauseBackfill: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly id: number;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Backfill"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly resumeBackfill: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly id: number;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Backfill"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listDags: {
        readonly parameters: {
            readonly query?: {
                readonly paused?: "true" | "false";
                readonly search?: string;
                readonly tag?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["DagList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getDag: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly dagId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["DagDetail"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly setDagPaused: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly dagId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly isPaused: boolean;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["DagSummary"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly createBackfill: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly dagId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    /** @default false */
                    readonly dryRun?: boolean;
                    readonly from: string;
                    /** @default 4 */
                    readonly maxActiveRuns?: number;
                    /**
                     * @default skip
                     * @enum {string}
                     */
                    readonly reprocess?: "skip" | "failed" | "all";
                    readonly to: string;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["BackfillPlan"];
                };
            };
            /** @description Created */
            readonly 201: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Backfill"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Well-formed but refused (params that fail the DAG's schema, a backfill too large) */
            readonly 422: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly triggerRun: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly dagId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly logicalDate?: string;
                    /** @default {} */
                    readonly params?: {
                        readonly [key: string]: unknown;
                    };
                };
            };
        };
        readonly responses: {
            /** @description Created */
            readonly 201: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Run"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Well-formed but refused (params that fail the DAG's schema, a backfill too large) */
            readonly 422: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getDagSource: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly dagId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["DagSource"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listDagVersions: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly dagId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["DagVersionList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getDagVersion: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly dagId: string;
                readonly version: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["DagVersion"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listDatasets: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["DatasetList"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly postDatasetEvent: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    /** @default {} */
                    readonly metadata?: {
                        readonly [key: string]: string | number | boolean | null;
                    };
                    readonly uri: string;
                };
            };
        };
        readonly responses: {
            /** @description Created */
            readonly 201: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["DatasetEvent"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listDeadLetters: {
        readonly parameters: {
            readonly query?: {
                readonly open?: "true" | "false";
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["DeadLetterList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly postEvent: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly event: string;
                    /** @default {} */
                    readonly params?: {
                        readonly [key: string]: unknown;
                    };
                };
            };
        };
        readonly responses: {
            /** @description Accepted: what it started is in the answer */
            readonly 202: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["EventAnswer"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Well-formed but refused (params that fail the DAG's schema, a backfill too large) */
            readonly 422: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listImportErrors: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["ImportErrors"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getLineage: {
        readonly parameters: {
            readonly query: {
                readonly depth?: number;
                readonly direction?: "downstream" | "upstream";
                readonly target: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["LineageResult"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listPools: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["PoolList"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly setPool: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly name: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly description?: string;
                    readonly slots: number;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["PoolSettings"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly deletePool: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly name: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description No content */
            readonly 204: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listRuns: {
        readonly parameters: {
            readonly query?: {
                readonly dagId?: string;
                readonly from?: string;
                readonly limit?: number;
                readonly offset?: number;
                readonly runType?: string;
                readonly state?: string;
                readonly to?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["RunList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getRun: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly runId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["RunWithNote"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly cancelRun: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly runId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Run"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly clearRun: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly runId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    /** @default false */
                    readonly onlyFailed?: boolean;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Run"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getRunHistory: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly runId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["RunHistory"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly setRunNote: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly runId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly note: string;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["RunNoteAnswer"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listTaskInstances: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly runId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["TaskInstanceList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getTaskInstance: {
        readonly parameters: {
            readonly query?: {
                readonly mapIndex?: number;
            };
            readonly header?: never;
            readonly path: {
                readonly runId: string;
                readonly taskId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["TaskInstanceDetail"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly answerApproval: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly runId: string;
                readonly taskId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    /** @description The form's values (approve only) */
                    readonly answer?: {
                        readonly [key: string]: unknown;
                    };
                    /** @description Why: kept in the state history; a rejection's error */
                    readonly comment?: string;
                    /** @enum {string} */
                    readonly decision: "approve" | "reject";
                    readonly mapIndex?: number | null;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["TaskInstance"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Well-formed but refused (params that fail the DAG's schema, a backfill too large) */
            readonly 422: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly clearTaskInstance: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly runId: string;
                readonly taskId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    /** @default false */
                    readonly downstream?: boolean;
                    readonly mapIndex?: number | null;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["ClearTasksAnswer"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getTaskLogs: {
        readonly parameters: {
            readonly query?: {
                readonly after?: number;
                readonly limit?: number;
                readonly mapIndex?: number;
                readonly search?: string;
                readonly try?: number;
            };
            readonly header?: never;
            readonly path: {
                readonly runId: string;
                readonly taskId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["LogPage"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly downloadTaskLog: {
        readonly parameters: {
            readonly query?: {
                readonly mapIndex?: number;
                readonly try?: number;
            };
            readonly header?: never;
            readonly path: {
                readonly runId: string;
                readonly taskId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description The log, one line per log line (an attachment) */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "text/plain": string;
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly streamTaskLog: {
        readonly parameters: {
            readonly query?: {
                readonly after?: number;
                readonly mapIndex?: number;
                readonly try?: number;
            };
            readonly header?: never;
            readonly path: {
                readonly runId: string;
                readonly taskId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description `log` events (data: a log line as JSON), then one `end` event */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "text/event-stream": string;
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly markTaskInstance: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly runId: string;
                readonly taskId: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly mapIndex?: number | null;
                    /** @enum {string} */
                    readonly state: "success" | "failed";
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["TaskInstance"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly actOnRuns: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    /** @enum {string} */
                    readonly action: "clear_failed" | "mark_success" | "mark_failed" | "cancel";
                    readonly runIds: readonly string[];
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["BulkRunAnswer"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listSecrets: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["SecretList"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly setSecret: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly name: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly value: string;
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["StoredSecret"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly deleteSecret: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly name: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description No content */
            readonly 204: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listSlaMisses: {
        readonly parameters: {
            readonly query?: {
                readonly dagId?: string;
                readonly limit?: number;
                readonly runId?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["SlaMissList"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly streamStateChanges: {
        readonly parameters: {
            readonly query?: {
                readonly dagId?: string;
                readonly runId?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description One `state` event per state change (data: the change as JSON, with its dagId) */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "text/event-stream": string;
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listTokens: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["ApiTokenList"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly createToken: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly name: string;
                    readonly username: string;
                };
            };
        };
        readonly responses: {
            /** @description Created */
            readonly 201: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["CreatedToken"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly revokeToken: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly id: number;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description No content */
            readonly 204: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly listUsers: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["UserList"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly createUser: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly password: string;
                    /** @enum {string} */
                    readonly role: "viewer" | "operator" | "admin";
                    readonly username: string;
                };
            };
        };
        readonly responses: {
            /** @description Created */
            readonly 201: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["User"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly deleteUser: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly username: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description No content */
            readonly 204: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly updateUser: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                readonly username: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly password?: string;
                    /** @enum {string} */
                    readonly role?: "viewer" | "operator" | "admin";
                };
            };
        };
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["User"];
                };
            };
            /** @description Invalid input (the field is named) */
            readonly 400: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not found */
            readonly 404: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with the current state */
            readonly 409: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readonly getHealth: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description OK */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Unavailable */
            readonly 503: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    readonly getMetrics: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Metrics in the Prometheus text format */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "text/plain": string;
                };
            };
            /** @description No valid credentials */
            readonly 401: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The caller's role does not allow it (or a one-time password must be changed first) */
            readonly 403: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
