/** Answers about DAG runs: runs, their notes and history, bulk actions (see responses.ts for how answers are serialised and documented). */
import { z } from "zod";
import { RUN_ACTIONS } from "../run-actions.js";
import { errorDetail, json, timestamp } from "./responses.js";
import { runStepSchema } from "./steps.js";

export const runState = z.enum(["queued", "running", "success", "failed"]).meta({ id: "RunState" });
export const runType = z.enum(["scheduled", "manual", "backfill", "event"]).meta({ id: "RunType" });

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

export const runHistorySchema = z
  .object({
    changes: z.array(stateChangeSchema),
    steps: z.array(runStepSchema).describe("the durable steps (ctx.step) its task instances completed, for the Gantt view"),
  })
  .meta({ id: "RunHistory" });

const bulkRunAction = z.enum(RUN_ACTIONS).meta({ id: "BulkRunAction" });
export const bulkRunResultSchema = z
  .discriminatedUnion("ok", [
    z.object({ runId: z.string(), ok: z.literal(true), run: runSchema }),
    z.object({ runId: z.string(), ok: z.literal(false), error: errorDetail }),
  ])
  .meta({ id: "BulkRunResult" });
export const bulkRunAnswerSchema = z.object({ action: bulkRunAction, results: z.array(bulkRunResultSchema) }).meta({ id: "BulkRunAnswer" });

export const runNoteAnswerSchema = z.object({ note: runNoteSchema.nullable() }).meta({ id: "RunNoteAnswer" });
