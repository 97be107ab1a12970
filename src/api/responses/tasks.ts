/** Answers about task instances: their tries, history, logs and dead letters (see responses.ts for how answers are serialised and documented). */
import { z } from "zod";
import { runSchema, stateChangeSchema } from "./runs.js";
import { json, timestamp } from "./responses.js";
import { taskStepSchema } from "./steps.js";

const taskState = z.enum(["scheduled", "queued", "running", "deferred", "success", "failed", "retrying", "skipped", "upstream_failed"]).meta({ id: "TaskState" });

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
  wakeAt: timestamp.nullable().describe("When a deferred instance wakes up (a sensor's next poke)"),
  waitReason: z.enum(["sensor", "sleep", "event", "approval"]).nullable().describe("Why the instance is deferred: a sensor between pokes, a ctx.sleep, a ctx.waitForEvent, or an approval waiting for its answer"),
  waitingSince: timestamp.nullable().describe("When a sensor's first poke started: its timeout counts from here"),
  pokes: z.number().describe("How many times a sensor has poked since the instance was created or cleared"),
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
    cacheKey: z.string().nullable().describe("the task's cache key (secret values masked), for a task with a cache option"),
    cached: z.boolean().describe("true when the result came from the cache: the task did not run"),
  })
  .meta({ id: "TaskTry" });

const taskDatasetEventSchema = z
  .object({ uri: z.string(), runId: z.string().nullable(), taskId: z.string().nullable(), at: timestamp, metadata: json })
  .meta({ id: "TaskDatasetEvent" });

export const taskInstanceDetailSchema = z
  .object({
    ...taskInstanceShape,
    tries: z.array(taskTrySchema),
    history: z.array(stateChangeSchema),
    datasetEvents: z.array(taskDatasetEventSchema),
    steps: z.array(taskStepSchema).describe("the durable steps (ctx.step) its tries completed, in call order"),
  })
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
