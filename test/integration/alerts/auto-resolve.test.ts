/**
 * Auto-resolve: an alert closes by itself when the next run of its DAG/task succeeds (for an SLA
 * miss: succeeds within its SLA), and the channels that were told about it are told it is
 * resolved: Slack gets a "resolved" message, PagerDuty a `resolve` for a page already sent.
 */
import { describe, expect, it } from "vitest";
import { RunDriver } from "../../conformance/driver.js";
import { STORES } from "../../conformance/stores.js";
import { DAY, HOUR, MINUTE, T, useAlertWorld } from "./alert-harness.js";

for (const factory of STORES) {
  describe.sequential(`alert auto-resolve: ${factory.name}`, () => {
    const world = useAlertWorld(factory, (urls) => ({
      escalateAfterMs: 10 * MINUTE,
      ticketAfterMs: 20 * MINUTE,
      slackUrl: urls.slack,
      pagerduty: { routingKey: "R0UT1NG", url: urls.pd },
      jira: { url: urls.jira, project: "OPS" },
      uiUrl: "https://tributary.example.com/",
    }));

    it("a dead letter's alert resolves when the task succeeds in the next run: Slack and PagerDuty hear of it", async () => {
      const w = world();
      const g = await w.dag("sales");
      await w.deadLetter(g);
      await w.tick();
      await w.tickAt(T + 10 * MINUTE);
      expect(w.pages()).toHaveLength(1);
      const [alert] = await w.store.alerts.listAlerts({});

      const next = await RunDriver.start(w.store, g, { logicalDate: new Date(T + 11 * MINUTE), now: new Date(T + 11 * MINUTE) });
      await next.claim(new Date(T + 11 * MINUTE));
      await next.succeed("load", undefined, new Date(T + 12 * MINUTE));
      await w.tickAt(T + 13 * MINUTE);

      const resolved = await w.store.alerts.getAlert(alert?.id ?? 0);
      expect(resolved).toMatchObject({ state: "resolved", resolvedAt: new Date(T + 13 * MINUTE) });
      expect(resolved?.resolvedBy).toContain(next.runId);
      expect(w.slack.requests).toHaveLength(2);
      const text = String(w.slack.requests[1]?.body["text"]);
      expect(text).toContain("Resolved");
      expect(text).toContain("sales.load");
      expect(text).toContain(`<https://tributary.example.com/#/alerts?alert=${alert?.id}|Open in Tributary>`);
      expect(w.slack.requests[1]?.body["tributary"]).toMatchObject({ alertId: alert?.id, event: "resolve" });
      expect(w.pd.requests.map((r) => [r.body["event_action"], r.body["dedup_key"]])).toEqual([
        ["trigger", `tributary-alert-${alert?.id}`],
        ["resolve", `tributary-alert-${alert?.id}`],
      ]);
      // The ticket that was still to come is not opened, and nothing more is sent.
      await w.tickAt(T + 2 * HOUR);
      expect(w.jira.requests).toHaveLength(0);
      expect(w.slack.requests).toHaveLength(2);
    });

    it("resolves when the dead-lettered task instance is retried by hand and succeeds", async () => {
      const w = world();
      const g = await w.dag("retried");
      const run = await w.deadLetter(g);
      await w.tick();
      await w.store.clearRun({ runId: run.runId, graph: g, onlyFailed: true, now: new Date(T + MINUTE) });
      await w.store.startQueuedRuns({ dagId: "retried", graph: g, maxActiveRuns: undefined, now: new Date(T + MINUTE) });
      await run.claim(new Date(T + 2 * MINUTE));
      await run.succeed("load", undefined, new Date(T + 3 * MINUTE));
      await w.tickAt(T + 4 * MINUTE);
      expect((await w.store.alerts.listAlerts({}))[0]?.state).toBe("resolved");
      // Not paged yet: only Slack hears of the resolution.
      expect(w.slack.requests).toHaveLength(2);
      expect(w.pd.requests).toHaveLength(0);
    });

    it("a success in an earlier run (a backfill) does not resolve it", async () => {
      const w = world();
      const g = await w.dag("older");
      await w.deadLetter(g);
      await w.tick();
      const earlier = await RunDriver.start(w.store, g, { runType: "backfill", logicalDate: new Date(T - 3 * DAY), now: new Date(T + MINUTE) });
      await earlier.claim(new Date(T + MINUTE));
      await earlier.succeed("load", undefined, new Date(T + 2 * MINUTE));
      await w.tickAt(T + 3 * MINUTE);
      expect((await w.store.alerts.listAlerts({}))[0]?.state).toBe("open");
      expect(w.slack.requests).toHaveLength(1);
    });

    it("an SLA alert resolves when a later scheduled run succeeds within the SLA, not when one succeeds late", async () => {
      const w = world();
      const g = await w.dag("nightly", { slaMs: 2 * HOUR });
      await w.queuedScheduledRun(g, T - DAY, T);
      await w.tickAt(T + 2 * HOUR);
      await w.checkSlas(g);
      await w.tick();
      const [alert] = await w.store.alerts.listAlerts({});
      expect(alert).toMatchObject({ kind: "sla_miss", state: "open" });

      // The next day's run succeeds three hours after its interval: late, so one more occurrence.
      const late = await RunDriver.start(w.store, g, { runType: "scheduled", logicalDate: new Date(T), now: new Date(T + DAY) });
      await late.claim(new Date(T + DAY + HOUR));
      w.clock = T + DAY + 2 * HOUR;
      await w.checkSlas(g);
      await w.tick();
      await late.succeed("load", undefined, new Date(T + DAY + 3 * HOUR));
      await w.tickAt(T + DAY + 3 * HOUR + MINUTE);
      expect(await w.store.alerts.getAlert(alert?.id ?? 0)).toMatchObject({ state: "open", occurrences: 2 });

      // The day after, on time: resolved.
      const onTime = await RunDriver.start(w.store, g, { runType: "scheduled", logicalDate: new Date(T + DAY), now: new Date(T + 2 * DAY) });
      await onTime.claim(new Date(T + 2 * DAY + MINUTE));
      await onTime.succeed("load", undefined, new Date(T + 2 * DAY + HOUR));
      await w.tickAt(T + 2 * DAY + HOUR + MINUTE);
      await w.checkSlas(g);
      expect(await w.store.alerts.getAlert(alert?.id ?? 0)).toMatchObject({ state: "resolved" });
      const resolvedMessage = w.slack.requests.at(-1);
      expect(String(resolvedMessage?.body["text"])).toContain("Resolved");
      expect(resolvedMessage?.body["tributary"]).toMatchObject({ alertId: alert?.id, event: "resolve" });
      expect(w.jira.requests).toHaveLength(1);
    });
  });
}
