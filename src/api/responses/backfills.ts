/** Answers about backfills (and events, which start runs too) (see responses.ts for how answers are serialised and documented). */
import { z } from "zod";
import { runSchema } from "./runs.js";
import { timestamp } from "./responses.js";

const reprocessMode = z.enum(["skip", "failed", "all"]).meta({ id: "ReprocessMode" });
/** paused: an interrupted `tributary backfill`, which starts no runs until it is resumed. */
export const BACKFILL_STATE_NAMES = ["running", "paused", "completed", "cancelled"] as const;
const backfillState = z.enum(BACKFILL_STATE_NAMES).meta({ id: "BackfillState" });

export const backfillSchema = z
  .object({
    id: z.number(),
    dagId: z.string(),
    from: timestamp,
    to: timestamp,
    reprocess: reprocessMode,
    maxActiveRuns: z.number(),
    state: backfillState,
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
    excluded: z
      .array(
        z
          .object({
            tick: timestamp,
            ds: z.string().describe("the tick's day in the DAG's timezone, YYYY-MM-DD"),
            reason: z.enum(["listed", "not a business day"]),
            shiftedTo: timestamp.nullable().describe("with onExcluded: \"shift\", the logical date the tick moved to"),
          })
          .meta({ id: "BackfillExcludedTick" }),
      )
      .describe("schedule ticks in the range on days the DAG's calendar excludes: they get no run of their own"),
  })
  .meta({ id: "BackfillPlan" });

export const eventAnswerSchema = z
  .object({
    event: z.string(),
    runs: z.array(runSchema).describe("the runs started: one per DAG subscribed to the event"),
    delivered: z.number().describe("how many tasks waiting for the event (ctx.waitForEvent) it reached"),
  })
  .meta({ id: "EventAnswer" });
