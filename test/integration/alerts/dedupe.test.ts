/**
 * Deduplication: one open alert per (DAG, task, kind). A DAG that keeps missing its SLA (or a task
 * that dead-letters run after run) is one alert with a count of occurrences, paged once and
 * ticketed once, instead of a page and a ticket per run (issue 14: 15 incidents and 12 tickets in
 * 25 minutes). Default timings: the page 15 minutes after the alert opens, the ticket 15 after that.
 */
import { describe, expect, it } from "vitest";
import { STORES } from "../../conformance/stores.js";
import { MINUTE, T, useAlertWorld } from "./alert-harness.js";

for (const factory of STORES) {
  describe.sequential(`alert deduplication: ${factory.name}`, () => {
    const world = useAlertWorld(factory, (urls) => ({
      slackUrl: urls.slack,
      pagerduty: { routingKey: "R0UT1NG", url: urls.pd },
      jira: { url: urls.jira, project: "OPS" },
    }));

    it("a DAG that misses its SLA 10 times in a row: one Slack message, one page, one ticket, 10 occurrences", async () => {
      const w = world();
      // A run every 2.5 minutes that must succeed within a minute; none ever starts.
      const every = 150_000;
      const g = await w.dag("impatient", { slaMs: MINUTE });
      let created = 0;
      for (let clock = T; clock <= T + 45 * MINUTE; clock += 30_000) {
        w.clock = clock;
        while (created < 10 && T + (created + 1) * every <= clock) {
          await w.queuedScheduledRun(g, T + created * every, T + (created + 1) * every);
          created++;
        }
        await w.checkSlas(g);
        await w.tick();
      }
      expect((await w.store.alerts.listSlaMisses({ dagId: "impatient" })).length).toBe(10);
      expect(w.slack.requests).toHaveLength(1);
      expect(w.pages()).toHaveLength(1);
      expect(w.jira.requests).toHaveLength(1);

      const alerts = await w.store.alerts.listAlerts({});
      expect(alerts).toHaveLength(1);
      const [alert] = alerts;
      const lastDeadline = T + 10 * every + MINUTE;
      expect(alert).toMatchObject({ kind: "sla_miss", dagId: "impatient", taskId: null, state: "open", occurrences: 10, ticketKey: "OPS-1" });
      // Seen last at the pass after the tenth deadline (passes run every 30 s).
      expect(alert?.lastSeenAt.getTime()).toBeGreaterThanOrEqual(lastDeadline);
      expect(alert?.lastSeenAt.getTime()).toBeLessThan(lastDeadline + 30_000);
      expect(alert?.lastRunId).toBe(`impatient-scheduled-${new Date(T + 9 * every).toISOString()}`);
      // The page and the ticket tell how often it happened by the time they went out.
      expect(String((w.pages()[0]?.body["payload"] as { summary: string }).summary)).toMatch(/SLA missed: impatient \(\d+ times\)/);
      for (const miss of await w.store.alerts.listSlaMisses({ dagId: "impatient" })) expect(miss.alertId).toBe(alert?.id);
    });

    it("a task that dead-letters run after run is one alert; another task or kind has its own", async () => {
      const w = world();
      const g = await w.dag("flaky", { slaMs: MINUTE });
      for (let i = 0; i < 4; i++) {
        w.clock = T + i * MINUTE;
        await w.deadLetter(g);
        await w.tick();
      }
      const other = await w.dag("other");
      await w.deadLetter(other);
      await w.tick();
      const alerts = await w.store.alerts.listAlerts({});
      expect(alerts.map((a) => [a.dagId, a.kind, a.occurrences])).toEqual([
        ["other", "dead_letter", 1],
        ["flaky", "dead_letter", 4],
      ]);
      expect(w.slack.requests).toHaveLength(2);
    });

    it("after an acknowledgement (or a resolution) a repeat opens a new alert", async () => {
      const w = world();
      const g = await w.dag("again");
      await w.deadLetter(g);
      await w.tick();
      const [first] = await w.store.alerts.listAlerts({});
      await w.store.alerts.ackAlert({ id: first?.id ?? 0, by: "oncall", now: new Date(T + MINUTE) });
      w.clock = T + 2 * MINUTE;
      await w.deadLetter(g);
      await w.tick();
      const alerts = await w.store.alerts.listAlerts({});
      expect(alerts.map((a) => [a.state, a.occurrences])).toEqual([
        ["open", 1],
        ["acknowledged", 1],
      ]);
      expect(w.slack.requests).toHaveLength(2);
    });
  });
}
