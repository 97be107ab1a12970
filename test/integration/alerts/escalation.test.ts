/**
 * Alert escalation end to end against real local HTTP receivers playing Slack, PagerDuty and
 * Jira (and an SMTP server): the dispatcher is driven pass by pass with a fake clock, on SQLite
 * and PostgreSQL, with a shortened 60 s acknowledgement window.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DagGraph } from "../../../src/core/types.js";
import type { Store } from "../../../src/store/index.js";
import { AlertDispatcher } from "../../../src/alerts/alert-dispatcher.js";
import type { AlertConfig } from "../../../src/alerts/alert-config.js";
import { checkSlas } from "../../../src/alerts/sla-check.js";
import { RunDriver } from "../../conformance/driver.js";
import { graph } from "../../conformance/fixtures.js";
import { STORES, type StorePlace } from "../../conformance/stores.js";
import { startReceiver, startSmtp, type Receiver } from "./receivers.js";

const T = Date.UTC(2024, 2, 2, 0, 0, 0);
const HOUR = 3_600_000;

for (const factory of STORES) {
  describe.sequential(`alert escalation: ${factory.name}`, () => {
    let place: StorePlace;
    let store: Store;
    const opened: Store[] = [];
    let slack: Receiver;
    let pd: Receiver;
    let jira: Receiver;
    let clock = T;
    let config: AlertConfig;

    const open = async (): Promise<Store> => {
      const s = factory.open(place.address);
      opened.push(s);
      const report = await s.migrate();
      if (report.error) throw report.error;
      return s;
    };
    const dispatcher = (s: Store = store) => new AlertDispatcher({ store: s, config, now: () => new Date(clock) });
    const pages = () => pd.requests.filter((r) => r.body["event_action"] === "trigger");

    beforeEach(async () => {
      place = await factory.create();
      store = await open();
      slack = await startReceiver();
      pd = await startReceiver({ fallback: 202, respond: () => ({ status: "success", dedup_key: "x" }) });
      jira = await startReceiver({ fallback: 201, respond: () => ({ id: "10001", key: "OPS-1", self: "x" }) });
      clock = T;
      config = {
        escalateAfterMs: 60_000,
        slackUrl: `${slack.url}/services/T000/B000/XXX`,
        pagerduty: { routingKey: "R0UT1NG", url: `${pd.url}/v2/enqueue` },
        jira: { url: jira.url, project: "OPS", user: "bot@example.com", token: "t0k3n" },
        delivery: { retryDelayMs: 1_000, maxAttempts: 4, timeoutMs: 5_000 },
      };
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await Promise.all([slack.close(), pd.close(), jira.close()]);
      await place.dispose();
    });

    const deadLetter = async (dagId = "sales"): Promise<RunDriver> => {
      const run = await RunDriver.start(store, graph(dagId, [{ id: "load" }]), { now: new Date(clock) });
      await run.claim(new Date(clock));
      await run.fail("load", new Date(clock));
      return run;
    };

    it("a dead letter posts to Slack; unacknowledged past the window it pages once", async () => {
      const run = await deadLetter();
      const d = dispatcher();
      expect(await d.tick()).toEqual({ raised: 1, resolved: 0, sent: 1, failed: 0 });
      expect(slack.requests).toHaveLength(1);
      expect(slack.requests[0]?.path).toBe("/services/T000/B000/XXX");
      expect(String(slack.requests[0]?.body["text"])).toContain("sales.load failed for good");
      expect(String(slack.requests[0]?.body["text"])).toContain("load failed");

      clock = T + 30_000;
      await d.tick();
      expect(pd.requests).toHaveLength(0);

      clock = T + 61_000;
      await d.tick();
      clock = T + 120_000;
      await d.tick();
      await d.tick();
      expect(pages()).toHaveLength(1);
      const [alert] = await store.alerts.listAlerts({});
      expect(pages()[0]?.body).toMatchObject({
        routing_key: "R0UT1NG",
        event_action: "trigger",
        dedup_key: `tributary-alert-${alert?.id}`,
        payload: { source: "tributary", severity: "error", component: "sales" },
      });
      expect(alert).toMatchObject({ runId: run.runId, taskId: "load", state: "open" });
      expect(slack.requests).toHaveLength(1);
      // The ticket (step 3) comes 15 minutes (the default ticketAfter) after the page.
      expect(jira.requests).toHaveLength(0);
    });

    it("acknowledging stops the escalation; resolving later only tells Slack", async () => {
      await deadLetter();
      const d = dispatcher();
      await d.tick();
      const [alert] = await store.alerts.listAlerts({});
      await store.alerts.ackAlert({ id: alert?.id ?? 0, by: "oncall", now: new Date(T + 10_000) });
      clock = T + 10 * 60_000;
      await d.tick();
      expect(pd.requests).toHaveLength(0);
      await store.alerts.resolveAlert({ id: alert?.id ?? 0, by: "oncall", now: new Date(clock) });
      await d.tick();
      expect(pd.requests).toHaveLength(0);
      expect(slack.requests).toHaveLength(2);
      expect(String(slack.requests[1]?.body["text"])).toContain("Resolved: sales.load failed for good");
      expect(String(slack.requests[1]?.body["text"])).toContain("Resolved by oncall");
    });

    it("resolving a paged alert sends the PagerDuty resolve with the same dedup key", async () => {
      await deadLetter();
      const d = dispatcher();
      await d.tick();
      clock = T + 61_000;
      await d.tick();
      const [alert] = await store.alerts.listAlerts({});
      await store.alerts.resolveAlert({ id: alert?.id ?? 0, by: "oncall", now: new Date(clock) });
      await d.tick();
      expect(pd.requests.map((r) => [r.body["event_action"], r.body["dedup_key"]])).toEqual([
        ["trigger", `tributary-alert-${alert?.id}`],
        ["resolve", `tributary-alert-${alert?.id}`],
      ]);
    });

    it("an SLA breach notifies at once and is found once; the ticket waits for its turn after the page", async () => {
      const g: DagGraph = { ...graph("nightly", [{ id: "a" }]), slaMs: 2 * HOUR };
      await store.upsertDag({ dagId: "nightly", file: "nightly.ts", graph: g, now: new Date(T) });
      const day = T - 86_400_000;
      await RunDriver.start(store, g, { runType: "scheduled", logicalDate: new Date(day), now: new Date(T), start: false });
      clock = T + 2 * HOUR + 1;
      const other = await open();
      // Two schedulers check at the same moment, twice: one miss.
      await Promise.all([checkSlas(store, [g], new Date(clock)), checkSlas(other, [g], new Date(clock))]);
      await checkSlas(store, [g], new Date(clock + 1_000));
      await Promise.all([dispatcher(store).tick(), dispatcher(other).tick()]);
      await dispatcher().tick();
      expect(slack.requests).toHaveLength(1);
      expect(jira.requests).toHaveLength(0);
      expect(pd.requests).toHaveLength(0);
      // The page after the 60 s window; the ticket 15 minutes (the default ticketAfter) after that.
      const opened = clock;
      clock = opened + 60_000;
      await dispatcher().tick();
      expect(pages()).toHaveLength(1);
      clock = opened + 60_000 + 15 * 60_000;
      await Promise.all([dispatcher(store).tick(), dispatcher(other).tick()]);
      expect(jira.requests).toHaveLength(1);
      const ticket = jira.requests[0];
      expect(ticket?.path).toBe("/rest/api/2/issue");
      expect(ticket?.headers["authorization"]).toBe(`Basic ${Buffer.from("bot@example.com:t0k3n").toString("base64")}`);
      expect(ticket?.body).toMatchObject({ fields: { project: { key: "OPS" }, issuetype: { name: "Task" }, summary: "SLA missed: nightly" } });
      const [alert] = await store.alerts.listAlerts({});
      expect(alert).toMatchObject({ kind: "sla_miss", ticketKey: "OPS-1" });
    });

    it("a restart between steps neither loses nor repeats a step", async () => {
      await deadLetter();
      await dispatcher().tick();
      expect(slack.requests).toHaveLength(1);
      // The process stops (its store closes) and a new one starts later, after the window.
      await store.close();
      opened.splice(opened.indexOf(store), 1);
      store = await open();
      clock = T + 90_000;
      const restarted = dispatcher(store);
      await restarted.tick();
      await restarted.tick();
      expect(slack.requests).toHaveLength(1);
      expect(pages()).toHaveLength(1);
    });

    it("several dispatchers at once: each due step goes out exactly once", async () => {
      await deadLetter("a1");
      await deadLetter("a2");
      const stores = [store, await open(), await open()];
      await Promise.all(stores.map((s) => dispatcher(s).tick()));
      clock = T + 61_000;
      await Promise.all(stores.map((s) => dispatcher(s).tick()));
      await Promise.all(stores.map((s) => dispatcher(s).tick()));
      expect(slack.requests).toHaveLength(2);
      expect(pages()).toHaveLength(2);
      expect(new Set(pages().map((p) => p.body["dedup_key"])).size).toBe(2);
    });

    it("a receiver answering 500 is retried with backoff; every attempt is recorded", async () => {
      slack.script([500, 503]);
      await deadLetter();
      const d = dispatcher();
      expect(await d.tick()).toMatchObject({ raised: 1, sent: 0, failed: 1 });
      clock = T + 500;
      await d.tick();
      expect(slack.requests).toHaveLength(1);
      clock = T + 1_000;
      await d.tick();
      clock = T + 3_000;
      await d.tick();
      expect(slack.requests).toHaveLength(3);
      const [alert] = await store.alerts.listAlerts({});
      const attempts = await store.alerts.listDeliveryAttempts(alert?.id ?? 0);
      expect(attempts.map((a) => [a.attempt, a.ok, a.status])).toEqual([
        [1, false, 500],
        [2, false, 503],
        [3, true, 200],
      ]);
      expect((await store.alerts.listAlertDeliveries(alert?.id ?? 0))[0]).toMatchObject({ state: "sent", attempts: 3 });
    });

    it("a 4xx answer is not retried; an unreachable receiver is retried until maxAttempts", async () => {
      slack.script([400]);
      config = { ...config, pagerduty: { routingKey: "R", url: "http://127.0.0.1:9/v2/enqueue" } };
      await deadLetter();
      const d = dispatcher();
      await d.tick();
      for (let i = 1; i <= 8; i++) {
        clock = T + 60_000 + i * 10_000;
        await d.tick();
      }
      const [alert] = await store.alerts.listAlerts({});
      const deliveries = await store.alerts.listAlertDeliveries(alert?.id ?? 0);
      expect(deliveries.map((x) => [x.channel, x.state, x.attempts])).toEqual([
        ["slack", "failed", 1],
        ["pagerduty", "failed", 4],
        // Not due yet: 15 minutes after the page.
        ["jira", "pending", 0],
      ]);
    });

    it("per-DAG policy: its own Slack URL, no page; and email through SMTP", async () => {
      const smtp = await startSmtp();
      try {
        const teamSlack = await startReceiver();
        config = { ...config, email: { smtpUrl: smtp.url, from: "tributary@example.com", to: ["oncall@example.com"] } };
        const g: DagGraph = { ...graph("team", [{ id: "load" }]), alerts: { slack: `${teamSlack.url}/team`, pagerduty: false } };
        await store.upsertDag({ dagId: "team", file: "team.ts", graph: g, now: new Date(T) });
        const run = await RunDriver.start(store, g, { now: new Date(T) });
        await run.claim(new Date(T));
        await run.fail("load", new Date(T));
        const d = dispatcher();
        await d.tick();
        clock = T + 120_000;
        await d.tick();
        expect(teamSlack.requests).toHaveLength(1);
        expect(slack.requests).toHaveLength(0);
        expect(pd.requests).toHaveLength(0);
        expect(smtp.messages).toHaveLength(1);
        expect(smtp.messages[0]?.to).toEqual(["<oncall@example.com>"]);
        expect(smtp.messages[0]?.data).toContain("team.load failed for good");
        await teamSlack.close();
      } finally {
        await smtp.close();
      }
    });
  });
}
