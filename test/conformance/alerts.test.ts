/**
 * Conformance of the alerting part of the store (store.alerts), on every store: SLA misses are
 * recorded once, alerts are deduplicated per key, acknowledgement and resolution change
 * the escalation plan, and each due delivery is claimed by exactly one of several stores.
 */
import { describe, expect, it } from "vitest";
import type { DagGraph } from "../../src/core/types.js";
import type { PlannedDelivery } from "../../src/store/index.js";
import type { Store } from "../../src/store/index.js";
import { at, RunDriver } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const HOUR = 3_600_000;

/** A one-task DAG whose task fails for good: one dead letter. */
async function deadLetter(store: Store, dagId = "dl"): Promise<RunDriver> {
  const driver = await RunDriver.start(store, graph(dagId, [{ id: "a" }]));
  await driver.claim();
  await driver.fail("a");
  return driver;
}

const plan = (now: Date): PlannedDelivery[] => [
  { step: 1, channel: "slack", event: "notify", dueAt: now },
  { step: 2, channel: "pagerduty", event: "trigger", dueAt: new Date(now.getTime() + 15 * 60_000) },
];

async function raiseAll(store: Store, now: Date) {
  const results = [];
  for (const source of await store.alerts.listAlertSources()) {
    results.push(
      await store.alerts.raiseAlert({
        source: { kind: source.kind, id: source.sourceId },
        dedupKey: source.kind === "dead_letter" ? `task_instance:${source.taskInstanceId}` : `sla:${source.runId}:${source.taskId ?? ""}`,
        dagId: source.dagId,
        runId: source.runId,
        taskId: source.taskId,
        mapIndex: null,
        taskInstanceId: source.kind === "dead_letter" ? source.taskInstanceId : null,
        title: `alert for ${source.kind}`,
        details: "details",
        deliveries: plan(now),
        now,
      }),
    );
  }
  return results;
}

for (const factory of STORES) {
  describe.concurrent(`Alert store conformance: ${factory.name}`, () => {
    describe.sequential("alerts", () => {
      const ctx = useStore(factory, { migrate: true });

      it("records a DAG SLA miss once per run, only for scheduled runs past their deadline", async () => {
        const g: DagGraph = { ...graph("sla", [{ id: "a" }]), slaMs: 2 * HOUR };
        const day = Date.UTC(2024, 2, 1);
        const late = await RunDriver.start(ctx.store, g, {
          runType: "scheduled",
          logicalDate: new Date(day),
          now: new Date(day + 86_400_000),
          start: false,
        });
        const onTime = await RunDriver.start(ctx.store, g, {
          runType: "scheduled",
          logicalDate: new Date(day + 86_400_000),
          now: new Date(day + 2 * 86_400_000),
        });
        await onTime.claim(new Date(day + 2 * 86_400_000 + 1_000));
        await onTime.succeed("a", undefined, new Date(day + 2 * 86_400_000 + HOUR));
        // A manual run is not held to the schedule's SLA.
        await RunDriver.start(ctx.store, g, { runType: "manual", logicalDate: new Date(day), start: false });

        const input = { dagId: "sla", slaMs: g.slaMs, deadlines: [], now: new Date(day + 2 * 86_400_000 + 3 * HOUR) };
        const before = await ctx.store.alerts.recordSlaMisses({ ...input, now: new Date(day + 86_400_000 + HOUR) });
        expect(before).toEqual([]);
        const misses = await ctx.store.alerts.recordSlaMisses(input);
        expect(misses.map((m) => [m.runId, m.taskId, m.deadlineAt.getTime(), m.stateAtDetection])).toEqual([
          [late.runId, null, day + 86_400_000 + 2 * HOUR, "queued"],
        ]);
        // Checked again (by this or another scheduler): nothing new.
        expect(await ctx.store.alerts.recordSlaMisses(input)).toEqual([]);
        expect(await ctx.openAnother().alerts.recordSlaMisses(input)).toEqual([]);
        expect((await ctx.store.alerts.listSlaMisses({ dagId: "sla" })).length).toBe(1);
      });

      it("records a task deadline miss, also for a task that succeeded late", async () => {
        const g: DagGraph = { dagId: "dl", tasks: graph("dl", [{ id: "a" }, { id: "b", upstream: ["a"] }]).tasks.map((t) => (t.id === "b" ? { ...t, deadlineMs: HOUR } : t)) };
        const day = Date.UTC(2024, 2, 1);
        const end = day + 86_400_000;
        const run = await RunDriver.start(ctx.store, g, { runType: "scheduled", logicalDate: new Date(day), now: new Date(end) });
        await run.claim(new Date(end + 1_000));
        await run.succeed("a", undefined, new Date(end + 2_000));
        await run.claim(new Date(end + 3_000));
        await run.succeed("b", undefined, new Date(end + 2 * HOUR));
        const misses = await ctx.store.alerts.recordSlaMisses({ dagId: "dl", slaMs: undefined, deadlines: [{ taskId: "b", deadlineMs: HOUR }], now: new Date(end + 3 * HOUR) });
        expect(misses.map((m) => [m.taskId, m.stateAtDetection])).toEqual([["b", "success"]]);
        // "a" had no deadline; and a task that made its deadline is no miss.
        expect(
          await ctx.store.alerts.recordSlaMisses({ dagId: "dl", slaMs: undefined, deadlines: [{ taskId: "a", deadlineMs: HOUR }], now: new Date(end + 3 * HOUR) }),
        ).toEqual([]);
      });

      it("raises one alert per dead letter with its plan; a source is handled once", async () => {
        const driver = await deadLetter(ctx.store);
        const sources = await ctx.store.alerts.listAlertSources();
        expect(sources.map((s) => [s.kind, s.runId, s.taskId])).toEqual([["dead_letter", driver.runId, "a"]]);
        const [result] = await raiseAll(ctx.store, at(10));
        expect(result?.created).toBe(true);
        expect(result?.alert).toMatchObject({ kind: "dead_letter", state: "open", dagId: "dl", runId: driver.runId, taskId: "a", occurrences: 1 });
        expect(await ctx.store.alerts.listAlertSources()).toEqual([]);
        const deliveries = await ctx.store.alerts.listAlertDeliveries(result?.alert.id ?? 0);
        expect(deliveries.map((d) => [d.step, d.channel, d.event, d.state])).toEqual([
          [1, "slack", "notify", "pending"],
          [2, "pagerduty", "trigger", "pending"],
        ]);
        // Raising the same source again (a second scheduler that read it before) changes nothing.
        const again = await ctx.store.alerts.raiseAlert({
          source: { kind: "dead_letter", id: sources[0]?.sourceId ?? 0 },
          dedupKey: "x",
          dagId: "dl",
          runId: null,
          taskId: null,
          mapIndex: null,
          taskInstanceId: null,
          title: "t",
          details: "d",
          deliveries: plan(at(11)),
          now: at(11),
        });
        expect(again).toBeUndefined();
        expect(await ctx.store.alerts.listAlerts({})).toHaveLength(1);
      });

      it("deduplicates: a second source with the same key counts on the open alert; after resolve a new alert opens", async () => {
        await deadLetter(ctx.store, "d1");
        await deadLetter(ctx.store, "d2");
        const sources = await ctx.store.alerts.listAlertSources();
        const raise = (id: number, now: Date) =>
          ctx.store.alerts.raiseAlert({
            source: { kind: "dead_letter", id },
            dedupKey: "same",
            dagId: "d1",
            runId: null,
            taskId: null,
            mapIndex: null,
            taskInstanceId: null,
            title: "t",
            details: "d",
            deliveries: plan(now),
            now,
          });
        const first = await raise(sources[0]?.sourceId ?? 0, at(1));
        const second = await raise(sources[1]?.sourceId ?? 0, at(2));
        expect(first?.created).toBe(true);
        expect(second?.created).toBe(false);
        expect(second?.alert.id).toBe(first?.alert.id);
        expect(second?.alert.occurrences).toBe(2);
        expect((await ctx.store.alerts.listAlertDeliveries(first?.alert.id ?? 0)).length).toBe(2);

        await ctx.store.alerts.resolveAlert({ id: first?.alert.id ?? 0, by: "me", now: at(3) });
        await deadLetter(ctx.store, "d3");
        const [third] = await ctx.store.alerts.listAlertSources();
        const reopened = await raise(third?.sourceId ?? 0, at(4));
        expect(reopened?.created).toBe(true);
        expect(reopened?.alert.id).not.toBe(first?.alert.id);
      });

      it("claims a due delivery once, records attempts, retries, and takes over an expired lease", async () => {
        await deadLetter(ctx.store);
        const [raised] = await raiseAll(ctx.store, at(10));
        const alertId = raised?.alert.id ?? 0;
        const other = ctx.openAnother();
        const claims = await Promise.all([
          ctx.store.alerts.claimDueDeliveries({ claimer: "a", now: at(10), limit: 10, leaseMs: 60_000 }),
          other.alerts.claimDueDeliveries({ claimer: "b", now: at(10), limit: 10, leaseMs: 60_000 }),
        ]);
        // Only the step-1 message is due; exactly one store got it.
        expect(claims.flat().map((c) => [c.delivery.channel, c.attempt])).toEqual([["slack", 1]]);
        const claim = claims.flat()[0];
        if (!claim) throw new Error("no claim");
        expect(
          await ctx.store.alerts.finishDelivery({ deliveryId: claim.delivery.id, attempt: 1, ok: false, status: 500, error: "HTTP 500", durationMs: 3, retryAt: at(20), now: at(11) }),
        ).toBe(true);
        expect(await ctx.store.alerts.claimDueDeliveries({ claimer: "a", now: at(15), limit: 10, leaseMs: 60_000 })).toEqual([]);
        expect((await ctx.store.alerts.nextDeliveryAt())?.getTime()).toBe(at(20).getTime());
        const [retry] = await ctx.store.alerts.claimDueDeliveries({ claimer: "a", now: at(20), limit: 10, leaseMs: 5_000 });
        expect(retry?.attempt).toBe(2);
        // The sender dies; after its lease another one takes over, and the dead one's late answer is ignored.
        const [takeover] = await other.alerts.claimDueDeliveries({ claimer: "b", now: at(30), limit: 10, leaseMs: 60_000 });
        expect(takeover?.attempt).toBe(3);
        expect(await ctx.store.alerts.finishDelivery({ deliveryId: claim.delivery.id, attempt: 2, ok: true, status: 200, error: null, durationMs: 1, retryAt: null, now: at(31) })).toBe(false);
        expect(await other.alerts.finishDelivery({ deliveryId: claim.delivery.id, attempt: 3, ok: true, status: 200, error: null, durationMs: 1, retryAt: null, now: at(31) })).toBe(true);
        const attempts = await ctx.store.alerts.listDeliveryAttempts(alertId);
        expect(attempts.map((a) => [a.attempt, a.ok, a.status])).toEqual([
          [1, false, 500],
          [2, true, 200],
          [3, true, 200],
        ]);
        const [slack] = await ctx.store.alerts.listAlertDeliveries(alertId);
        expect(slack).toMatchObject({ state: "sent", attempts: 3 });
      });

      it("acknowledging cancels the pending page; resolving after a page queues a PagerDuty resolve (and a Slack one)", async () => {
        await deadLetter(ctx.store, "x1");
        await deadLetter(ctx.store, "x2");
        const [a, b] = await raiseAll(ctx.store, at(0));
        const acked = await ctx.store.alerts.ackAlert({ id: a?.alert.id ?? 0, by: "ops", now: at(60) });
        expect(acked).toMatchObject({ state: "acknowledged", acknowledgedBy: "ops" });
        expect((await ctx.store.alerts.listAlertDeliveries(acked.id)).map((d) => [d.event, d.state])).toEqual([
          ["notify", "pending"],
          ["trigger", "cancelled"],
        ]);

        // b pages after 15 minutes, then is resolved.
        const due = await ctx.store.alerts.claimDueDeliveries({ claimer: "s", now: at(15 * 60), limit: 10, leaseMs: 60_000 });
        expect(due.map((d) => [d.alert.id, d.delivery.event])).toEqual([
          [a?.alert.id, "notify"],
          [b?.alert.id, "notify"],
          [b?.alert.id, "trigger"],
        ]);
        for (const d of due) {
          await ctx.store.alerts.finishDelivery({ deliveryId: d.delivery.id, attempt: d.attempt, ok: true, status: 202, error: null, durationMs: 1, retryAt: null, now: at(15 * 60) });
        }
        const resolved = await ctx.store.alerts.resolveAlert({ id: b?.alert.id ?? 0, by: "ops", now: at(16 * 60) });
        expect(resolved).toMatchObject({ state: "resolved", resolvedBy: "ops" });
        // PagerDuty and Slack, both told about the alert, are told it is resolved.
        expect((await ctx.store.alerts.listAlertDeliveries(resolved.id)).map((d) => [d.channel, d.event, d.state])).toEqual([
          ["slack", "notify", "sent"],
          ["pagerduty", "trigger", "sent"],
          ["slack", "resolve", "pending"],
          ["pagerduty", "resolve", "pending"],
        ]);
        expect((await ctx.store.alerts.listAlerts({ states: ["open", "acknowledged"] })).map((x) => x.id)).toEqual([a?.alert.id]);
        await expect(ctx.store.alerts.ackAlert({ id: 999_999, by: "x", now: at(1) })).rejects.toMatchObject({ code: "NOT_FOUND" });
      });

      it("metricsSnapshot counts runs, task instances, retries, dead letters, SLA misses and dataset updates", async () => {
        const flaky = await RunDriver.start(ctx.store, graph("m", [{ id: "a", retries: 1, retryDelayMs: 0 }]));
        await flaky.claim();
        await flaky.complete("a", "failed", { emitted: [] });
        await ctx.store.queueDueRetries(at(5));
        await flaky.claim(at(6));
        await flaky.complete("a", "success", { emitted: [{ uri: "s3://x", metadata: {} }], now: at(7) });
        await deadLetter(ctx.store, "m2");
        const s = await ctx.store.alerts.metricsSnapshot();
        const sorted = <T>(xs: readonly T[]) => [...xs].sort((p, q) => JSON.stringify(p).localeCompare(JSON.stringify(q)));
        expect(sorted(s.runs)).toEqual(sorted([{ dagId: "m", state: "success", count: 1 }, { dagId: "m2", state: "failed", count: 1 }]));
        expect(sorted(s.taskInstances)).toEqual(sorted([{ dagId: "m", state: "success", count: 1 }, { dagId: "m2", state: "failed", count: 1 }]));
        expect(s.retries).toEqual([{ dagId: "m", taskId: "a", count: 1 }]);
        expect(s.deadLettersOpen).toEqual([{ dagId: "m2", count: 1 }]);
        expect(s.datasets.map((d) => [d.uri, d.lastUpdate.getTime()])).toEqual([["s3://x", at(7).getTime()]]);
      });
    });
  });
}
