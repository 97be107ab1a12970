/**
 * What the API answers with: one zod schema per shape, shared by every route that sends it. The
 * OpenAPI document is generated from them (each `.meta({ id })` is a named component, the UI's
 * types are generated from those: ui/src/api/openapi.d.ts), and the server serialises answers
 * through them, so a schema must say exactly what a handler sends: a field it leaves out is
 * stripped from the answer, a value it does not allow is a 500.
 *
 * Timestamps are `Date`s in the handlers and ISO 8601 strings on the wire (`z.date()` is
 * documented as a `date-time` string). Nullable (`null` when unknown) and optional (absent) differ.
 */
import { z } from "zod";
import { RUN_ACTIONS } from "./run-actions.js";

const timestamp = z.date();
const json = z.record(z.string(), z.unknown());

const role = z.enum(["viewer", "operator", "admin"]).meta({ id: "Role" });
const runState = z.enum(["queued", "running", "success", "failed"]).meta({ id: "RunState" });
const runType = z.enum(["scheduled", "manual", "backfill", "event"]).meta({ id: "RunType" });
const taskState = z.enum(["scheduled", "queued", "running", "success", "failed", "retrying", "skipped", "upstream_failed"]).meta({ id: "TaskState" });

// ---- errors -------------------------------------------------------------------------------------

const errorDetail = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
  /** Only on internal errors (500). */
  requestId: z.string().optional(),
});
export const errorBody = z.object({ error: errorDetail }).meta({ id: "Error", description: "Every error: a stable code, a message, and the field it is about" });

const ERROR_DESCRIPTIONS = {
  400: "Invalid input (the field is named)",
  401: "No valid credentials",
  403: "The caller's role does not allow it (or a one-time password must be changed first)",
  404: "Not found",
  409: "Conflicts with the current state",
  422: "Well-formed but refused (params that fail the DAG's schema, a backfill too large)",
  429: "Too many attempts",
} as const;
export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** An error status as documented: its description, and the shared body (a reference to `Error`). */
const errorResponse = (status: ErrorStatus) => ({ description: ERROR_DESCRIPTIONS[status], content: { "application/json": { schema: errorBody } } });

/** What a status says, for answers whose schema has no description of its own. */
const ANSWER_DESCRIPTIONS: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  202: "Accepted: what it started is in the answer",
  204: "Done; no body",
  503: "Unavailable",
};

/**
 * A route's `response` schema: its answers (a zod schema each, or a `textResponse`) and the error
 * statuses it can return, each with the shared error body. Every authenticated route can answer
 * 401 and 403; pass them too.
 */
export function responses<S extends Record<number, unknown>, E extends ErrorStatus>(answers: S, ...errors: readonly E[]): S & Record<E, ReturnType<typeof errorResponse>> {
  const all: Record<number, unknown> = {};
  for (const [status, answer] of Object.entries(answers)) all[Number(status)] = describeAnswer(Number(status), answer);
  for (const status of errors) all[status] = errorResponse(status);
  return all as S & Record<E, ReturnType<typeof errorResponse>>;
}

/** A JSON answer as the document shows it: its status's description and the schema (a reference to the named one). */
function describeAnswer(status: number, answer: unknown): unknown {
  if (!(answer instanceof z.ZodType) || status === 204) return answer;
  const description = z.globalRegistry.get(answer)?.description ?? ANSWER_DESCRIPTIONS[status] ?? "OK";
  return { description, content: { "application/json": { schema: answer } } };
}

/** The errors of every route that needs a credential: none (401), or one whose role is too low (403). */
export const AUTH_ERRORS = [401, 403] as const satisfies readonly ErrorStatus[];

/** An answer with no body (204). */
export const noContent = z.undefined().describe("No content");

/** A non-JSON answer (a text file, an event stream): documented with its content type, never serialised by zod. */
export const textResponse = (contentType: string, description: string) => ({ description, content: { [contentType]: { schema: z.string() } } });

// ---- runs ---------------------------------------------------------------------------------------

export const runSummarySchema = z
  .object({ runId: z.string(), state: runState, runType, logicalDate: timestamp, startedAt: timestamp.nullable(), endedAt: timestamp.nullable() })
  .meta({ id: "RunSummary" });

export const runSchema = z
  .object({
    runId: z.string(),
    dagId: z.string(),
    runType,
    state: runState,
    logicalDate: timestamp,
    dataIntervalStart: timestamp,
    dataIntervalEnd: timestamp,
    params: json,
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    endedAt: timestamp.nullable(),
    dagVersion: z.string().nullable().describe("The DAG version the run uses (a hash of structure and source); null for runs older than versions"),
  })
  .meta({ id: "Run" });

export const runNoteSchema = z
  .object({ runId: z.string(), note: z.string(), updatedBy: z.string().nullable(), createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: "RunNote" });

export const runWithNoteSchema = runSchema.extend({ note: runNoteSchema.nullable() }).meta({ id: "RunWithNote" });

export const runListSchema = z.object({ runs: z.array(runWithNoteSchema), total: z.number(), limit: z.number(), offset: z.number() }).meta({ id: "RunList" });

export const stateChangeSchema = z
  .object({
    id: z.number(),
    runId: z.string(),
    taskId: z.string().nullable().describe("null for a change of the run's own state"),
    mapIndex: z.number().nullable(),
    fromState: z.string().nullable(),
    toState: z.string(),
    at: timestamp,
    reason: z.string().nullable(),
  })
  .meta({ id: "StateChange" });

export const runHistorySchema = z.object({ changes: z.array(stateChangeSchema) }).meta({ id: "RunHistory" });

const bulkRunAction = z.enum(RUN_ACTIONS).meta({ id: "BulkRunAction" });
export const bulkRunResultSchema = z
  .discriminatedUnion("ok", [
    z.object({ runId: z.string(), ok: z.literal(true), run: runSchema }),
    z.object({ runId: z.string(), ok: z.literal(false), error: errorDetail }),
  ])
  .meta({ id: "BulkRunResult" });
export const bulkRunAnswerSchema = z.object({ action: bulkRunAction, results: z.array(bulkRunResultSchema) }).meta({ id: "BulkRunAnswer" });

export const runNoteAnswerSchema = z.object({ note: runNoteSchema.nullable() }).meta({ id: "RunNoteAnswer" });

// ---- DAGs ---------------------------------------------------------------------------------------

const datasetScheduleSchema = z.object({ uris: z.array(z.string()).readonly(), when: z.enum(["all", "any"]) }).meta({ id: "DatasetSchedule" });

/** A task as its DAG declares it. Graphs stored by older versions may lack the newer fields. */
export const taskSpecSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["task", "shell", "branch", "map"]).optional(),
    upstream: z.array(z.string()).readonly(),
    inputs: z.record(z.string(), z.string()).optional(),
    mapOver: z.string().optional(),
    triggerRule: z.string(),
    retry: z
      .object({ retries: z.number().optional(), retryDelayMs: z.number().optional(), backoff: z.string().optional(), maxRetryDelayMs: z.number().optional(), jitter: z.number().optional() })
      .optional(),
    timeoutMs: z.number().optional(),
    pool: z.string().optional(),
    queue: z.string().optional(),
    priority: z.number().optional(),
    inputDatasets: z.array(z.string()).readonly(),
    outputDatasets: z.array(z.string()).readonly(),
    secrets: z.array(z.string()).readonly().optional(),
    deadlineMs: z.number().optional(),
  })
  .meta({ id: "TaskSpec" });

/** A channel of the defaults a DAG turns off is `false`. */
const alertPolicySchema = z
  .object({
    escalateAfterMs: z.number().optional(),
    ticketAfterMs: z.number().optional(),
    slack: z.union([z.string(), z.literal(false)]).optional(),
    webhooks: z.array(z.string()).readonly().optional(),
    email: z.union([z.object({ to: z.array(z.string()).readonly() }), z.literal(false)]).optional(),
    pagerduty: z.union([z.object({ routingKey: z.string(), url: z.string().optional() }), z.literal(false)]).optional(),
    jira: z.union([z.object({ project: z.string(), url: z.string().optional(), issueType: z.string().optional() }), z.literal(false)]).optional(),
  })
  .meta({ id: "AlertPolicy" });

const dagGraphSchema = z
  .object({
    dagId: z.string(),
    tasks: z.array(taskSpecSchema).readonly(),
    datasetSchedule: datasetScheduleSchema.optional(),
    slaMs: z.number().optional(),
    alerts: alertPolicySchema.optional(),
  })
  .meta({ id: "DagGraph" });

const dagSummaryShape = {
  dagId: z.string(),
  description: z.string().nullable(),
  file: z.string().nullable(),
  isPaused: z.boolean(),
  tags: z.array(z.string()),
  schedule: z.unknown().describe("A cron expression, a preset, dataset URIs, `{ datasets, when }`, or null (triggered only)"),
  scheduleText: z.string().nullable(),
  timezone: z.string().nullable(),
  catchup: z.boolean().nullable(),
  startDate: timestamp.nullable(),
  endDate: timestamp.nullable(),
  maxActiveRuns: z.number().nullable(),
  maxActiveTasks: z.number().nullable(),
  version: z.string().nullable().describe("The loaded version: new runs and cleared tasks run with it (null when the DAG is not loaded)"),
  nextRun: z.object({ logicalDate: timestamp, dataIntervalStart: timestamp, dataIntervalEnd: timestamp, createdAt: timestamp }).nullable(),
};
export const dagSummarySchema = z.object(dagSummaryShape).meta({ id: "DagSummary" });

const importErrorSchema = z.object({ file: z.string().nullable(), message: z.string() }).meta({ id: "ImportError" });
export const importErrorsSchema = z.object({ importErrors: z.array(importErrorSchema) }).meta({ id: "ImportErrors" });

export const dagListSchema = z
  .object({ dags: z.array(z.object({ ...dagSummaryShape, recentRuns: z.array(runSummarySchema) }).meta({ id: "DagListEntry" })), importErrors: z.array(importErrorSchema) })
  .meta({ id: "DagList" });

export const dagDetailSchema = z
  .object({
    ...dagSummaryShape,
    tasks: z.array(taskSpecSchema).readonly(),
    datasetSchedule: datasetScheduleSchema.nullable(),
    params: z.unknown().describe("The params schema as JSON Schema (for forms), or null"),
    loaded: z.boolean(),
    schedulerLag: z.object({ runs: z.number(), latestSeconds: z.number(), maxSeconds: z.number() }).nullable(),
  })
  .meta({ id: "DagDetail" });

export const dagSourceSchema = z.object({ dagId: z.string(), file: z.string(), source: z.string() }).meta({ id: "DagSource" });

export const dagVersionListSchema = z
  .object({ versions: z.array(z.object({ version: z.string(), createdAt: timestamp, tasks: z.array(z.string()) }).meta({ id: "DagVersionSummary" })) })
  .meta({ id: "DagVersionList" });

export const dagVersionSchema = z
  .object({ dagId: z.string(), version: z.string(), graph: dagGraphSchema, source: z.string().nullable(), createdAt: timestamp })
  .meta({ id: "DagVersion" });

// ---- task instances and logs --------------------------------------------------------------------

const taskInstanceShape = {
  id: z.number(),
  runId: z.string(),
  dagId: z.string(),
  taskId: z.string(),
  mapIndex: z.number().nullable(),
  state: taskState,
  tryNumber: z.number(),
  maxTries: z.number(),
  priority: z.number(),
  pool: z.string().nullable(),
  queue: z.string(),
  queuedAt: timestamp.nullable(),
  startedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  nextRetryAt: timestamp.nullable(),
  workerId: z.string().nullable(),
  result: z.unknown(),
  error: z.string().nullable(),
};
export const taskInstanceSchema = z.object(taskInstanceShape).meta({ id: "TaskInstance" });
export const taskInstanceListSchema = z.object({ taskInstances: z.array(taskInstanceSchema) }).meta({ id: "TaskInstanceList" });

const taskTrySchema = z
  .object({
    id: z.number(),
    taskInstanceId: z.number(),
    tryNumber: z.number(),
    outcome: z.enum(["running", "success", "failed"]),
    workerId: z.string(),
    queuedAt: timestamp.nullable(),
    startedAt: timestamp,
    endedAt: timestamp.nullable(),
    error: z.string().nullable(),
    errorKind: z.enum(["error", "timeout", "crash", "result_too_large", "zombie", "cancelled", "lost"]).nullable(),
  })
  .meta({ id: "TaskTry" });

const taskDatasetEventSchema = z
  .object({ uri: z.string(), runId: z.string().nullable(), taskId: z.string().nullable(), at: timestamp, metadata: json })
  .meta({ id: "TaskDatasetEvent" });

export const taskInstanceDetailSchema = z
  .object({ ...taskInstanceShape, tries: z.array(taskTrySchema), history: z.array(stateChangeSchema), datasetEvents: z.array(taskDatasetEventSchema) })
  .meta({ id: "TaskInstanceDetail" });

export const clearTasksAnswerSchema = z.object({ run: runSchema, cleared: z.number().describe("How many task instances were cleared") }).meta({ id: "ClearTasksAnswer" });

const logLineSchema = z
  .object({ id: z.number(), at: timestamp, stream: z.enum(["stdout", "stderr", "log"]), level: z.enum(["debug", "info", "warn", "error"]), message: z.string() })
  .meta({ id: "LogLine" });
export const logPageSchema = z.object({ tryNumber: z.number(), lines: z.array(logLineSchema), nextAfter: z.number(), running: z.boolean() }).meta({ id: "LogPage" });

export const deadLetterListSchema = z
  .object({
    deadLetters: z.array(
      z
        .object({
          id: z.number(),
          taskInstanceId: z.number(),
          runId: z.string(),
          dagId: z.string(),
          taskId: z.string(),
          mapIndex: z.number().nullable(),
          tryNumber: z.number(),
          error: z.string().nullable(),
          createdAt: timestamp,
          resolvedAt: timestamp.nullable(),
          resolution: z.enum(["retried", "acknowledged"]).nullable(),
        })
        .meta({ id: "DeadLetter" }),
    ),
  })
  .meta({ id: "DeadLetterList" });

// ---- backfills and events -----------------------------------------------------------------------

const reprocessMode = z.enum(["skip", "failed", "all"]).meta({ id: "ReprocessMode" });

export const backfillSchema = z
  .object({
    id: z.number(),
    dagId: z.string(),
    from: timestamp,
    to: timestamp,
    reprocess: reprocessMode,
    maxActiveRuns: z.number(),
    state: z.enum(["running", "completed", "cancelled"]),
    createdBy: z.string().nullable(),
    createdAt: timestamp,
    endedAt: timestamp.nullable(),
    progress: z.object({ total: z.number(), done: z.number(), succeeded: z.number(), failed: z.number(), skipped: z.number(), running: z.number() }),
  })
  .meta({ id: "Backfill" });
export const backfillListSchema = z.object({ backfills: z.array(backfillSchema) }).meta({ id: "BackfillList" });

export const backfillPlanSchema = z
  .object({
    dryRun: z.literal(true),
    dagId: z.string(),
    from: timestamp,
    to: timestamp,
    intervals: z.array(
      z
        .object({
          logicalDate: timestamp,
          dataIntervalStart: timestamp,
          dataIntervalEnd: timestamp,
          action: z.enum(["create", "skip", "rerun", "rerun_failed", "resume"]),
          existingRunId: z.string().nullable(),
        })
        .meta({ id: "BackfillInterval" }),
    ),
  })
  .meta({ id: "BackfillPlan" });

export const eventAnswerSchema = z.object({ event: z.string(), runs: z.array(runSchema) }).meta({ id: "EventAnswer" });

// ---- alerts -------------------------------------------------------------------------------------

export const alertSchema = z
  .object({
    id: z.number(),
    kind: z.enum(["dead_letter", "sla_miss"]),
    dedupKey: z.string(),
    dagId: z.string(),
    runId: z.string().nullable(),
    taskId: z.string().nullable(),
    mapIndex: z.number().nullable(),
    taskInstanceId: z.number().nullable(),
    title: z.string(),
    details: z.string(),
    state: z.enum(["open", "acknowledged", "resolved"]).meta({ id: "AlertState" }),
    occurrences: z.number().describe("Repeats of the same DAG, task and kind while the alert was open"),
    createdAt: timestamp,
    lastSeenAt: timestamp,
    lastRunId: z.string().nullable().describe("The run of the latest occurrence (`runId` is the first one's)"),
    acknowledgedAt: timestamp.nullable(),
    acknowledgedBy: z.string().nullable(),
    resolvedAt: timestamp.nullable(),
    resolvedBy: z.string().nullable(),
    ticketKey: z.string().nullable(),
  })
  .meta({ id: "Alert" });
export const alertListSchema = z.object({ alerts: z.array(alertSchema) }).meta({ id: "AlertList" });

const alertDeliverySchema = z
  .object({
    id: z.number(),
    alertId: z.number(),
    step: z.number(),
    channel: z.string(),
    event: z.enum(["notify", "trigger", "acknowledge", "resolve", "ticket"]),
    state: z.enum(["pending", "sending", "sent", "failed", "cancelled"]),
    dueAt: timestamp,
    attempts: z.number(),
    lastError: z.string().nullable(),
    sentAt: timestamp.nullable(),
  })
  .meta({ id: "AlertDelivery" });

const deliveryAttemptSchema = z
  .object({
    id: z.number(),
    deliveryId: z.number(),
    alertId: z.number(),
    attempt: z.number(),
    at: timestamp,
    ok: z.boolean(),
    status: z.number().nullable(),
    error: z.string().nullable(),
    durationMs: z.number(),
  })
  .meta({ id: "DeliveryAttempt" });

export const alertDetailSchema = alertSchema.extend({ deliveries: z.array(alertDeliverySchema), attempts: z.array(deliveryAttemptSchema) }).meta({ id: "AlertDetail" });

export const slaMissListSchema = z
  .object({
    slaMisses: z.array(
      z
        .object({
          id: z.number(),
          dagId: z.string(),
          runId: z.string(),
          taskId: z.string().nullable(),
          deadlineAt: timestamp,
          detectedAt: timestamp,
          stateAtDetection: z.string(),
          alertId: z.number().nullable(),
        })
        .meta({ id: "SlaMiss" }),
    ),
  })
  .meta({ id: "SlaMissList" });

// ---- lineage ------------------------------------------------------------------------------------

const lineageEdgeKind = z.enum(["reads", "writes", "feeds", "triggers", "contains"]);
const lineageNodeSchema = z
  .object({
    id: z.string().describe("`dataset:<uri>`, `dag:<dagId>` or `task:<dagId>/<taskId>`"),
    kind: z.enum(["dataset", "task", "dag"]),
    name: z.string(),
    uri: z.string().optional(),
    dagId: z.string().optional(),
    taskId: z.string().optional(),
  })
  .meta({ id: "LineageNode" });
const lineageEdgeSchema = z
  .object({ from: z.string(), to: z.string(), kind: lineageEdgeKind, declared: z.boolean(), observed: z.boolean() })
  .meta({ id: "LineageEdge" });

interface LineageTree {
  readonly node: z.output<typeof lineageNodeSchema>;
  readonly via?: { readonly kind: z.output<typeof lineageEdgeKind>; readonly declared: boolean; readonly observed: boolean };
  readonly children: LineageTree[];
}
const lineageTreeSchema: z.ZodType<LineageTree> = z
  .object({
    node: lineageNodeSchema,
    via: z.object({ kind: lineageEdgeKind, declared: z.boolean(), observed: z.boolean() }).optional(),
    get children() {
      return z.array(lineageTreeSchema);
    },
  })
  .meta({ id: "LineageTree" });

export const lineageResultSchema = z
  .object({
    root: lineageNodeSchema,
    direction: z.enum(["downstream", "upstream"]),
    depth: z.number().nullable(),
    nodes: z.array(lineageNodeSchema).readonly(),
    edges: z.array(lineageEdgeSchema).readonly(),
    tree: lineageTreeSchema,
  })
  .meta({ id: "LineageResult" });

export const datasetListSchema = z
  .object({
    datasets: z.array(
      z
        .object({
          uri: z.string(),
          events: z.number(),
          lastUpdatedAt: timestamp.nullable(),
          lastWriter: z
            .discriminatedUnion("kind", [
              z.object({ kind: z.literal("task"), dagId: z.string(), taskId: z.string(), runId: z.string().nullable(), tryNumber: z.number().nullable() }),
              z.object({ kind: z.literal("external"), source: z.string().nullable() }),
            ])
            .nullable()
            .meta({ id: "DatasetWriter" }),
          lastMetadata: json.nullable(),
          freshnessMs: z.number().nullable(),
          producers: z.array(z.string()).readonly().describe("`dagId.taskId` of the tasks that write it"),
          consumers: z.array(z.string()).readonly().describe("`dagId.taskId` of the tasks that read it, and the DAGs it triggers"),
        })
        .meta({ id: "Dataset" }),
    ),
  })
  .meta({ id: "DatasetList" });

export const datasetEventSchema = z
  .object({
    id: z.number(),
    uri: z.string(),
    runId: z.string().nullable(),
    dagId: z.string().nullable(),
    taskId: z.string().nullable(),
    mapIndex: z.number().nullable(),
    tryNumber: z.number().nullable(),
    at: timestamp,
    metadata: json,
    source: z.string().nullable(),
  })
  .meta({ id: "DatasetEvent" });

// ---- admin: users, tokens, audit, pools, secrets ------------------------------------------------

export const userSchema = z
  .object({ username: z.string(), role, mustChangePassword: z.boolean(), createdAt: timestamp, passwordChangedAt: timestamp.nullable() })
  .meta({ id: "User" });
export const userListSchema = z.object({ users: z.array(userSchema) }).meta({ id: "UserList" });

const apiTokenShape = {
  id: z.number(),
  userId: z.number(),
  username: z.string(),
  role,
  name: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
};
export const apiTokenListSchema = z.object({ tokens: z.array(z.object(apiTokenShape).meta({ id: "ApiToken" })) }).meta({ id: "ApiTokenList" });
export const createdTokenSchema = z.object({ ...apiTokenShape, token: z.string().describe("The token's value: sent only this once") }).meta({ id: "CreatedToken" });

export const auditListSchema = z
  .object({
    entries: z.array(
      z.object({ id: z.number(), at: timestamp, actor: z.string(), action: z.string(), target: z.string().nullable(), details: json }).meta({ id: "AuditEntry" }),
    ),
  })
  .meta({ id: "AuditList" });

export const poolListSchema = z
  .object({
    pools: z.array(
      z
        .object({
          name: z.string(),
          slots: z.number().nullable().describe("null: tasks name the pool but nobody configured it (no limit)"),
          description: z.string().nullable(),
          running: z.number(),
          queued: z.number(),
        })
        .meta({ id: "Pool" }),
    ),
  })
  .meta({ id: "PoolList" });
export const poolSettingsSchema = z.object({ name: z.string(), slots: z.number(), description: z.string().nullable() }).meta({ id: "PoolSettings" });

export const secretListSchema = z
  .object({
    secrets: z.array(
      z
        .object({
          name: z.string(),
          source: z.string().describe("`environment`, `files` or `store`"),
          keyId: z.string().nullable(),
          updatedAt: timestamp.nullable(),
          overriddenBy: z.string().nullable().describe("The backend that holds the same name first (tasks get its value), or null"),
        })
        .meta({ id: "SecretSource" }),
    ),
    store: z.object({ writable: z.boolean(), keyId: z.string().nullable(), reason: z.string().nullable() }),
  })
  .meta({ id: "SecretList" });
export const storedSecretSchema = z.object({ name: z.string(), source: z.literal("store"), keyId: z.string(), updatedAt: timestamp }).meta({ id: "StoredSecret" });

// ---- auth and health ----------------------------------------------------------------------------

export const loginAnswerSchema = z
  .object({ user: z.object({ username: z.string(), role, mustChangePassword: z.boolean() }), csrfToken: z.string() })
  .meta({ id: "LoginAnswer" });
export const meSchema = z
  .object({
    username: z.string(),
    role,
    mustChangePassword: z.boolean(),
    authenticatedWith: z.enum(["session", "token"]),
    csrfToken: z.string().nullable().describe("The session's CSRF token; null for an API token"),
  })
  .meta({ id: "Me" });
export const passwordChangedSchema = z.object({ username: z.string(), csrfToken: z.string().nullable() }).meta({ id: "PasswordChanged" });

export const healthSchema = z.object({ status: z.enum(["ok", "unavailable"]), store: z.enum(["sqlite", "postgres"]) }).meta({ id: "Health" });
