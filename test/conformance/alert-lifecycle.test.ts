/**
 * Conformance of an alert's life in the store, on every store: occurrences of one (DAG, task,
 * kind) count on its open alert, an acknowledgement ends that and skips the steps still to come,
 * a resolution tells every channel that was told, and an alert resolves by itself when the next
 * run of its DAG/task succeeds (in time, for an SLA miss), once even with several schedulers.
 */
import { describe, expect, it } from "vitest";
import type { DagGraph } from "../../src/core/types.js";
import type { AlertSource, PlannedDelivery } from "../../src/store/index.js";
import type { Store } from "../../src/store/index.js";
import { at, RunDriver } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;

const fullPlan = (now: Date): PlannedDelivery[] => [
  { step: 1, channel: "slack", event: "notify", dueAt: now },
  { step: 1, channel: "webhook:0", event: "notify", dueAt: now },
  { step: 1, channel: "email", event: "notify", dueAt: new Date(now.getTime() + 1_000) },
  { step: 2, channel: "pagerduty", event: "trigger", dueAt: new Date(now.getTime() + 15 * 60_000) },
  { step: 3, channel: "jira", event: "ticket", dueAt: new Date(now.getTime() + 30 * 60_000) },
];

/** Raises every pending source with the (DAG, task, kind) key the dispatcher uses. */
async function raiseAll(store: Store, now: Date, plan: (now: Date) => PlannedDelivery[] = fullPlan) {
  const results = [];
  for (const source of await store.alerts.listAlertSources()) {
    results.push(
      await store.alerts.raiseAlert({
        source: { kind: source.kind, id: source.sourceId },
        dedupKey: `${source.kind}:${source.dagId}:${source.taskId ?? ""}`,
        dagId: source.dagId,
        runId: source.runId,
        taskId: source.taskId,
        mapIndex: null,
        taskInstanceId: taskInstanceOf(source),
        title: `alert for ${source.kind}`,
        details: "details",
        deliveries: plan(now),
        now,
      }),
    );
  }
  return results;
}

const taskInstanceOf = (source: AlertSource): number | null => (source.kind === "dead_letter" ? source.taskInstanceId : null);

/** A run of a one-task DAG (`a`) at `logicalDate` whose task fails for good. */
async function failingRun(store: Store, g: DagGraph, logicalDate: Date, runType: "manual" | "scheduled" = "manual"): Promise<RunDriver> {
  const run = await RunDriver.start(store, g, { logicalDate, runType, now: logicalDate });
  await run.claim(logicalDate);
  await run.fail("a", logicalDate);
  return run;
}

/** Sends every due delivery successfully (as a dispatcher whose channels all answer 200). */
async function sendDue(store: Store, now: Date): Promise<void> {
  for (const c of await store.alerts.claimDueDeliveries({ claimer: "t", now, limit: 100, leaseMs: 60_000 })) {
    await store.alerts.finishDelivery({ deliveryId: c.delivery.id, attempt: c.attempt, ok: true, status: 200, error: null, durationMs: 1, retryAt: null, now });
  }
}

for (const factory of STORES) {
  describe.concurrent(`Alert lifecycle conformance: ${factory.name}`, () => {
    describe.sequential("alert lifecycle", () => {
      const ctx = useStore(factory, { migrate: true });
      const g = graph("life", [{ id: "a" }]);

      it("an occurrence moves lastSeenAt and lastRunId; once acknowledged, the alert takes no more", async () => {
        const first = await failingRun(ctx.store, g, at(0));
        const [opened] = await raiseAll(ctx.store, at(1));
        const second = await failingRun(ctx.store, g, at(100));
        const [absorbed] = await raiseAll(ctx.store, at(101));
        expect(absorbed?.created).toBe(false);
        expect(absorbed?.alert).toMatchObject({ id: opened?.alert.id, runId: first.runId, lastRunId: second.runId, occurrences: 2, lastSeenAt: at(101) });
        // The occurrence added no message: the escalation plan is the first one's.
        expect(await ctx.store.alerts.listAlertDeliveries(opened?.alert.id ?? 0)).toHaveLength(5);

        await ctx.store.alerts.ackAlert({ id: opened?.alert.id ?? 0, by: "ops", now: at(102) });
        await failingRun(ctx.store, g, at(200));
        const [fresh] = await raiseAll(ctx.store, at(201));
        expect(fresh?.created).toBe(true);
        expect(fresh?.alert.id).not.toBe(opened?.alert.id);
        expect((await ctx.store.alerts.getAlert(opened?.alert.id ?? 0))?.occurrences).toBe(2);
      });

      it("acknowledging skips the page and the ticket; resolving queues a resolve for every channel already tried", async () => {
        await failingRun(ctx.store, g, at(0));
        const [raised] = await raiseAll(ctx.store, at(0));
        const id = raised?.alert.id ?? 0;
        // Slack and the webhook go out at once; the email (due a second later) is still pending.
        await sendDue(ctx.store, at(0));
        await ctx.store.alerts.ackAlert({ id, by: "ops", now: at(0.5) });
        const events = async () => (await ctx.store.alerts.listAlertDeliveries(id)).map((d) => [d.channel, d.event, d.state]);
        expect(await events()).toEqual([
          ["slack", "notify", "sent"],
          ["webhook:0", "notify", "sent"],
          ["email", "notify", "pending"],
          ["pagerduty", "trigger", "cancelled"],
          ["jira", "ticket", "cancelled"],
        ]);
        const resolved = await ctx.store.alerts.resolveAlert({ id, by: "ops", now: at(60) });
        expect(resolved).toMatchObject({ state: "resolved", resolvedBy: "ops", resolvedAt: at(60) });
        expect(await events()).toEqual([
          ["slack", "notify", "sent"],
          ["webhook:0", "notify", "sent"],
          ["email", "notify", "cancelled"],
          ["pagerduty", "trigger", "cancelled"],
          ["jira", "ticket", "cancelled"],
          ["slack", "resolve", "pending"],
          ["webhook:0", "resolve", "pending"],
        ]);
        expect((await ctx.store.alerts.listAlertDeliveries(id)).filter((d) => d.event === "resolve").map((d) => d.dueAt)).toEqual([at(60), at(60)]);
        // Resolving again changes nothing.
        await ctx.store.alerts.resolveAlert({ id, by: "someone else", now: at(70) });
        expect((await ctx.store.alerts.getAlert(id))?.resolvedBy).toBe("ops");
        expect(await ctx.store.alerts.listAlertDeliveries(id)).toHaveLength(7);
      });

      it("a dead letter's alert resolves when a later run's task succeeds or the same instance does after a retry, not an earlier run's", async () => {
        const failed = await failingRun(ctx.store, g, at(100));
        const [raised] = await raiseAll(ctx.store, at(101));
        const id = raised?.alert.id ?? 0;
        await sendDue(ctx.store, at(102));

        const earlier = await RunDriver.start(ctx.store, g, { logicalDate: at(50), now: at(110) });
        await earlier.claim(at(110));
        await earlier.succeed("a", undefined, at(111));
        expect(await ctx.store.alerts.resolveRecoveredAlerts({ now: at(112) })).toEqual([]);

        await ctx.store.clearRun({ runId: failed.runId, graph: g, onlyFailed: true, now: at(120) });
        await ctx.store.startQueuedRuns({ dagId: "life", graph: g, maxActiveRuns: undefined, now: at(120) });
        await failed.claim(at(121));
        await failed.succeed("a", undefined, at(122));
        const recovered = await ctx.store.alerts.resolveRecoveredAlerts({ now: at(123) });
        expect(recovered.map((a) => [a.id, a.state])).toEqual([[id, "resolved"]]);
        expect(recovered[0]?.resolvedBy).toContain(failed.runId);
        expect((await ctx.store.alerts.listAlertDeliveries(id)).filter((d) => d.event === "resolve").map((d) => d.channel)).toEqual(["slack", "webhook:0", "email"]);

        // A new failure and a success in a later run.
        await failingRun(ctx.store, g, at(200));
        const [again] = await raiseAll(ctx.store, at(201));
        expect(again?.created).toBe(true);
        const later = await RunDriver.start(ctx.store, g, { logicalDate: at(300), now: at(300) });
        await later.claim(at(300));
        await later.succeed("a", undefined, at(301));
        expect((await ctx.store.alerts.resolveRecoveredAlerts({ now: at(302) })).map((a) => a.id)).toEqual([again?.alert.id]);
        expect(await ctx.store.alerts.resolveRecoveredAlerts({ now: at(303) })).toEqual([]);
      });

      it("an SLA alert resolves when a later scheduled run succeeds within its SLA; a late success does not", async () => {
        const sla: DagGraph = { ...graph("sla", [{ id: "a" }]), slaMs: 2 * HOUR };
        const day = Date.UTC(2024, 2, 1);
        await RunDriver.start(ctx.store, sla, { runType: "scheduled", logicalDate: new Date(day), now: new Date(day + DAY), start: false });
        await ctx.store.alerts.recordSlaMisses({ dagId: "sla", slaMs: sla.slaMs, deadlines: [], now: new Date(day + DAY + 2 * HOUR) });
        const [raised] = await raiseAll(ctx.store, new Date(day + DAY + 2 * HOUR));
        expect(raised?.alert.kind).toBe("sla_miss");

        const late = await RunDriver.start(ctx.store, sla, { runType: "scheduled", logicalDate: new Date(day + DAY), now: new Date(day + 2 * DAY) });
        await late.claim(new Date(day + 2 * DAY));
        await late.succeed("a", undefined, new Date(day + 2 * DAY + 3 * HOUR));
        expect(await ctx.store.alerts.resolveRecoveredAlerts({ now: new Date(day + 2 * DAY + 3 * HOUR) })).toEqual([]);

        const onTime = await RunDriver.start(ctx.store, sla, { runType: "scheduled", logicalDate: new Date(day + 2 * DAY), now: new Date(day + 3 * DAY) });
        await onTime.claim(new Date(day + 3 * DAY));
        await onTime.succeed("a", undefined, new Date(day + 3 * DAY + HOUR));
        // Two schedulers look at once: the alert is resolved once, with one resolve per channel.
        const [mine, theirs] = await Promise.all([
          ctx.store.alerts.resolveRecoveredAlerts({ now: new Date(day + 3 * DAY + HOUR) }),
          ctx.openAnother().alerts.resolveRecoveredAlerts({ now: new Date(day + 3 * DAY + HOUR) }),
        ]);
        expect([...(mine ?? []), ...(theirs ?? [])].map((a) => a.id)).toEqual([raised?.alert.id]);
        expect((await ctx.store.alerts.getAlert(raised?.alert.id ?? 0))?.state).toBe("resolved");
      });

      it("a task deadline alert resolves when the task makes its deadline in a later run", async () => {
        const dl: DagGraph = { dagId: "dl", tasks: graph("dl", [{ id: "a" }]).tasks.map((t) => ({ ...t, deadlineMs: HOUR })) };
        const day = Date.UTC(2024, 2, 1);
        await RunDriver.start(ctx.store, dl, { runType: "scheduled", logicalDate: new Date(day), now: new Date(day + DAY), start: false });
        await ctx.store.alerts.recordSlaMisses({ dagId: "dl", slaMs: undefined, deadlines: [{ taskId: "a", deadlineMs: HOUR }], now: new Date(day + DAY + HOUR) });
        const [raised] = await raiseAll(ctx.store, new Date(day + DAY + HOUR));
        expect(raised?.alert).toMatchObject({ kind: "sla_miss", taskId: "a" });
        // The first run is still queued; the next one's task succeeds within the hour.
        const next = await RunDriver.start(ctx.store, dl, { runType: "scheduled", logicalDate: new Date(day + DAY), now: new Date(day + 2 * DAY) });
        await next.claim(new Date(day + 2 * DAY));
        await next.succeed("a", undefined, new Date(day + 2 * DAY + 60_000));
        expect((await ctx.store.alerts.resolveRecoveredAlerts({ now: new Date(day + 2 * DAY + 120_000) })).map((a) => a.id)).toEqual([raised?.alert.id]);
      });
    });
  });
}
