/**
 * Approvals on the alert channels (docs/approvals.md): an approval with `notify` that starts to
 * wait is told on step 1 (Slack here), never paged nor ticketed however long it waits; each
 * request is its own alert (two runs, two messages); the answer resolves it (Slack hears of it),
 * and an approval without `notify` is never told. Real receivers, both stores, a fake clock.
 */
import { describe, expect, it } from "vitest";
import type { DagGraph, TaskSpec } from "../../../src/core/types.js";
import { RunDriver } from "../../conformance/driver.js";
import { task } from "../../conformance/fixtures.js";
import { STORES } from "../../conformance/stores.js";
import { DAY, HOUR, MINUTE, T, useAlertWorld } from "./alert-harness.js";

function releaseGraph(dagId: string, notify: boolean): DagGraph {
  const review: TaskSpec = {
    ...task({ id: "review" }),
    kind: "approval",
    sensor: { everyMs: DAY, timeoutMs: DAY, softFail: false },
    approval: { approvers: { role: "operator" }, timeoutMs: DAY, onTimeout: { kind: "fail" }, form: { type: "object" }, notify },
  };
  return { dagId, tasks: [review] };
}

for (const factory of STORES) {
  describe.sequential(`approvals on the alert channels: ${factory.name}`, () => {
    const world = useAlertWorld(factory, (urls) => ({
      escalateAfterMs: 10 * MINUTE,
      ticketAfterMs: 20 * MINUTE,
      slackUrl: urls.slack,
      pagerduty: { routingKey: "R0UT1NG", url: urls.pd },
      jira: { url: urls.jira, project: "OPS" },
    }));

    async function waitingApproval(g: DagGraph, runId: string): Promise<void> {
      const w = world();
      await w.store.upsertDag({ dagId: g.dagId, file: `${g.dagId}.ts`, graph: g, now: new Date(w.clock) });
      await RunDriver.start(w.store, g, { now: new Date(w.clock), runId });
      const [claimed] = await w.store.claimNextTasks({ workerId: "w", limit: 1, dagIds: [g.dagId], now: new Date(w.clock) });
      if (!claimed) throw new Error("nothing claimed");
      await w.store.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: 1, outcome: "deferred", graph: g, now: new Date(w.clock) });
    }

    it("tells step 1 of each request, never pages or tickets, and resolves the alert with the answer", async () => {
      const w = world();
      const g = releaseGraph("release", true);
      await waitingApproval(g, "release-run-1");
      await waitingApproval(g, "release-run-2");
      await w.tick();
      const told = w.slack.requests.map((r) => String(r.body["text"]));
      expect(told).toHaveLength(2);
      expect(told[0]).toContain("Approval waiting: release.review");
      expect(told.join("\n")).toContain("release-run-1");
      expect(told.join("\n")).toContain("release-run-2");

      // However long it waits, nobody is paged and no ticket is opened.
      await w.tickAt(T + 12 * HOUR);
      expect(w.pages()).toEqual([]);
      expect(w.jira.requests).toEqual([]);

      await w.store.answerApproval({ runId: "release-run-1", taskId: "review", mapIndex: null, decision: "approve", answer: {}, actor: "alice", graph: g, now: new Date(w.clock) });
      await w.tick();
      const alerts = await w.store.alerts.listAlerts({ dagId: "release" });
      expect(alerts.map((a) => [a.kind, a.runId, a.state, a.resolvedBy])).toEqual([
        ["approval", "release-run-2", "open", null],
        ["approval", "release-run-1", "resolved", "alice"],
      ]);
      expect(w.slack.requests).toHaveLength(3);
      expect(String(w.slack.requests[2]?.body["text"])).toMatch(/resolved/i);
    });

    it("a wait that ends otherwise (marked, or a default answer at the deadline) resolves its alert on the next pass; none is raised for it afterwards", async () => {
      const w = world();
      const g = releaseGraph("marked", true);
      await waitingApproval(g, "marked-run-1");
      await w.tick();
      expect(w.slack.requests).toHaveLength(1);
      await w.store.markTaskInstance({ runId: "marked-run-1", taskId: "review", mapIndex: null, state: "success", graph: g, now: new Date(w.clock) });
      // A second request, marked before the dispatcher ever saw it: never announced.
      await waitingApproval(g, "marked-run-2");
      await w.store.markTaskInstance({ runId: "marked-run-2", taskId: "review", mapIndex: null, state: "failed", graph: g, now: new Date(w.clock) });
      w.clock += 10_000;
      await w.tick();
      const alerts = await w.store.alerts.listAlerts({ dagId: "marked" });
      expect(alerts.map((a) => [a.runId, a.state, a.resolvedBy])).toEqual([["marked-run-1", "resolved", "tributary: the approval marked.review of run marked-run-1 no longer waits"]]);
      expect(w.slack.requests).toHaveLength(2);
      expect(String(w.slack.requests[1]?.body["text"])).toMatch(/resolved/i);
    });

    it("an approval without notify is never told; one answered before the dispatcher's pass is not told either", async () => {
      const w = world();
      await waitingApproval(releaseGraph("quiet", false), "quiet-run");
      const g = releaseGraph("quick", true);
      await waitingApproval(g, "quick-run");
      await w.store.answerApproval({ runId: "quick-run", taskId: "review", mapIndex: null, decision: "reject", actor: "bob", graph: g, now: new Date(w.clock) });
      await w.tick();
      expect(w.slack.requests).toEqual([]);
      expect(await w.store.alerts.listAlerts({})).toEqual([]);
    });
  });
}
