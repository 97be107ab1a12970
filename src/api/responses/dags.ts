/** Answers about DAGs: their summaries, structure, source and versions (see responses.ts for how answers are serialised and documented). */
import { z } from "zod";
import { runSummarySchema } from "./runs.js";
import { timestamp } from "./responses.js";

const datasetScheduleSchema = z.object({ uris: z.array(z.string()).readonly(), when: z.enum(["all", "any"]) }).meta({ id: "DatasetSchedule" });

/** Who answers a human approval, with what form, and what its timeout does (docs/approvals.md). */
export const approvalPolicySchema = z
  .object({
    approvers: z.union([z.object({ role: z.enum(["viewer", "operator", "admin"]) }), z.object({ users: z.array(z.string()).readonly() })]),
    timeoutMs: z.number(),
    onTimeout: z.union([z.object({ kind: z.literal("fail") }), z.object({ kind: z.literal("skip") }), z.object({ kind: z.literal("answer"), answer: z.unknown() })]),
    form: z.record(z.string(), z.unknown()).describe("The answer's form as JSON Schema"),
    description: z.string().optional(),
    notify: z.boolean(),
  })
  .meta({ id: "ApprovalPolicy" });

/** A task as its DAG declares it. Graphs stored by older versions may lack the newer fields. */
export const taskSpecSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["task", "shell", "branch", "map", "sensor", "approval"]).optional(),
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
    /** Absent: `process`, the default. */
    isolation: z.enum(["process", "thread", "inline"]).optional(),
    inputDatasets: z.array(z.string()).readonly(),
    outputDatasets: z.array(z.string()).readonly(),
    secrets: z.array(z.string()).readonly().optional(),
    deadlineMs: z.number().optional(),
    sensor: z
      .object({ everyMs: z.number(), timeoutMs: z.number(), softFail: z.boolean() })
      .optional()
      .describe("How a sensor waits: the time between pokes and how long it may wait from its first poke (docs/sensors.md)"),
    approval: approvalPolicySchema.optional(),
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
