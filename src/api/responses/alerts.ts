/** Answers about alerts, their deliveries and SLA misses (see responses.ts for how answers are serialised and documented). */
import { z } from "zod";
import { timestamp } from "./responses.js";

export const alertSchema = z
  .object({
    id: z.number(),
    kind: z.enum(["dead_letter", "sla_miss", "approval"]),
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
