/**
 * One escalation policy for every alert kind: Slack (step 1) at once, a PagerDuty page (step 2)
 * `escalateAfter` later, a Jira ticket (step 3) `ticketAfter` after the page; an acknowledgement
 * skips the steps still to come. Driven on a fake clock against real local receivers.
 */
import { describe, expect, it } from "vitest";
import type { AlertKind } from "../../../src/store/index.js";
import { STORES } from "../../conformance/stores.js";
import { DAY, HOUR, MINUTE, T, useAlertWorld, type AlertWorld } from "./alert-harness.js";

/** Opens an alert of `kind` at the world's clock (T + 1 h for an SLA miss); resolves to that time. */
async function raise(w: AlertWorld, kind: AlertKind, dagId = "nightly"): Promise<number> {
  const g = await w.dag(dagId, { slaMs: HOUR });
  if (kind === "dead_letter") {
    await w.deadLetter(g);
  } else {
    await w.queuedScheduledRun(g, T - DAY, T);
    w.clock = T + HOUR;
    await w.checkSlas(g);
  }
  await w.tick();
  return w.clock;
}

const sent = (w: AlertWorld) => [w.slack.requests.length, w.pages().length, w.jira.requests.length];

for (const factory of STORES) {
  describe.sequential(`escalation order: ${factory.name}`, () => {
    const world = useAlertWorld(factory, (urls) => ({
      escalateAfterMs: 10 * MINUTE,
      ticketAfterMs: 20 * MINUTE,
      slackUrl: urls.slack,
      pagerduty: { routingKey: "R0UT1NG", url: urls.pd },
      jira: { url: urls.jira, project: "OPS" },
    }));

    for (const kind of ["dead_letter", "sla_miss"] as const) {
      it(`${kind}: Slack at once, the page after escalateAfter, the ticket ticketAfter after the page`, async () => {
        const w = world();
        const t0 = await raise(w, kind);
        expect(sent(w)).toEqual([1, 0, 0]);
        await w.tickAt(t0 + 10 * MINUTE - 1);
        expect(sent(w)).toEqual([1, 0, 0]);
        await w.tickAt(t0 + 10 * MINUTE);
        expect(sent(w)).toEqual([1, 1, 0]);
        await w.tickAt(t0 + 30 * MINUTE - 1);
        expect(sent(w)).toEqual([1, 1, 0]);
        await w.tickAt(t0 + 30 * MINUTE);
        expect(sent(w)).toEqual([1, 1, 1]);
        await w.tickAt(t0 + 3 * HOUR);
        expect(sent(w)).toEqual([1, 1, 1]);

        const [alert] = await w.store.alerts.listAlerts({});
        expect(alert).toMatchObject({ kind, state: "open", ticketKey: "OPS-1" });
        const plan = await w.store.alerts.listAlertDeliveries(alert?.id ?? 0);
        expect(plan.map((d) => [d.step, d.channel, d.event, d.state, d.dueAt.getTime() - t0])).toEqual([
          [1, "slack", "notify", "sent", 0],
          [2, "pagerduty", "trigger", "sent", 10 * MINUTE],
          [3, "jira", "ticket", "sent", 30 * MINUTE],
        ]);
        expect(w.jira.requests[0]?.body).toMatchObject({ fields: { project: { key: "OPS" }, labels: ["tributary", kind === "sla_miss" ? "sla-miss" : "dead-letter"] } });
      });

      it(`${kind}: acknowledged before the page, neither page nor ticket follows`, async () => {
        const w = world();
        const t0 = await raise(w, kind);
        const [alert] = await w.store.alerts.listAlerts({});
        await w.store.alerts.ackAlert({ id: alert?.id ?? 0, by: "oncall", now: new Date(t0 + MINUTE) });
        for (const after of [10 * MINUTE, 30 * MINUTE, 2 * HOUR]) await w.tickAt(t0 + after);
        expect(sent(w)).toEqual([1, 0, 0]);
        expect((await w.store.alerts.listAlertDeliveries(alert?.id ?? 0)).map((d) => [d.event, d.state])).toEqual([
          ["notify", "sent"],
          ["trigger", "cancelled"],
          ["ticket", "cancelled"],
        ]);
      });

      it(`${kind}: acknowledged after the page, the ticket is skipped and PagerDuty hears of it`, async () => {
        const w = world();
        const t0 = await raise(w, kind);
        await w.tickAt(t0 + 10 * MINUTE);
        const [alert] = await w.store.alerts.listAlerts({});
        await w.store.alerts.ackAlert({ id: alert?.id ?? 0, by: "oncall", now: new Date(t0 + 12 * MINUTE) });
        for (const after of [12 * MINUTE, 30 * MINUTE, 2 * HOUR]) await w.tickAt(t0 + after);
        expect(sent(w)).toEqual([1, 1, 0]);
        expect(w.pages("acknowledge").map((r) => r.body["dedup_key"])).toEqual([`tributary-alert-${alert?.id}`]);
      });
    }

    it("a DAG's own escalateAfter and ticketAfter win over the global ones", async () => {
      const w = world();
      const g = await w.dag("team", { alerts: { escalateAfterMs: MINUTE, ticketAfterMs: 2 * MINUTE } });
      await w.deadLetter(g);
      await w.tick();
      await w.tickAt(T + MINUTE);
      expect(sent(w)).toEqual([1, 1, 0]);
      await w.tickAt(T + 3 * MINUTE);
      expect(sent(w)).toEqual([1, 1, 1]);
    });

    it("a step whose channel is off keeps the others' times (no page: the ticket still waits)", async () => {
      const w = world();
      const g = await w.dag("quiet", { alerts: { pagerduty: false } });
      await w.deadLetter(g);
      await w.tick();
      await w.tickAt(T + 30 * MINUTE - 1);
      expect(sent(w)).toEqual([1, 0, 0]);
      await w.tickAt(T + 30 * MINUTE);
      expect(sent(w)).toEqual([1, 0, 1]);
    });
  });
}
