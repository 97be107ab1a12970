/**
 * The Store conformance suite, human approvals (docs/approvals.md): an approval waits `deferred`
 * (reason `approval`) until its deadline, listed among the waiting approvals; an answer ends the
 * open try and the wait in one transaction (approved: `success` with the answer as result;
 * rejected: `failed`), downstream follows, the history says who; a second answer, or one after
 * the timeout, is a conflict; the deadline fails it (or skips it). Runs for every factory in `STORES`.
 */
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "../../src/core/errors.js";
import type { ApprovalTimeout, DagGraph, TaskSpec } from "../../src/core/types.js";
import type { ClaimedTask, Store } from "../../src/store/index.js";
import { at, RunDriver } from "./driver.js";
import { task } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const TIMEOUT = 3_600_000;

function approval(id: string, onTimeout: ApprovalTimeout = { kind: "fail" }, notify = false): TaskSpec {
  return {
    ...task({ id }),
    kind: "approval",
    sensor: { everyMs: TIMEOUT, timeoutMs: TIMEOUT, softFail: onTimeout.kind === "skip" },
    approval: { approvers: { role: "operator" }, timeoutMs: TIMEOUT, onTimeout, form: { type: "object" }, notify },
  };
}

function pipeline(dagId: string, onTimeout?: ApprovalTimeout, notify = false): DagGraph {
  return { dagId, tasks: [approval("review", onTimeout, notify), task({ id: "ship", upstream: ["review"] })] };
}

function claim(store: Store, g: DagGraph, now: Date): Promise<ClaimedTask[]> {
  return store.claimNextTasks({ workerId: "worker-1", limit: 5, dagIds: [g.dagId], wakeDagIds: [g.dagId], now });
}

/** The worker's part: an approval claimed the first time starts to wait (worker/approval-wait.ts). */
async function startWaiting(store: Store, g: DagGraph, now: Date): Promise<ClaimedTask> {
  const [claimed] = await claim(store, g, now);
  if (!claimed) throw new Error("nothing claimed");
  const waited = await store.completeTry({ taskInstanceId: claimed.instance.id, tryNumber: 1, outcome: "deferred", graph: g, now });
  expect(waited).toMatchObject({ state: "deferred", wakeAt: new Date(now.getTime() + TIMEOUT) });
  return claimed;
}

for (const factory of STORES) {
  describe.sequential(`Store conformance (${factory.name}): human approvals`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("waits for the answer, listed as waiting; approving ends the try with the answer, and downstream runs", async () => {
      const s = ctx.store;
      const g = pipeline("release");
      const run = await RunDriver.start(s, g, { now: at(0) });
      const claimed = await startWaiting(s, g, at(1));
      expect(await run.instance("review")).toMatchObject({ state: "deferred", waitReason: "approval", waitingSince: at(1), wakeAt: new Date(at(1).getTime() + TIMEOUT), workerId: null });
      const waiting = await s.listWaitingApprovals();
      expect(waiting.map((w) => [w.run.runId, w.instance.taskId])).toEqual([[run.runId, "review"]]);
      expect(await s.listWaitingApprovals({ dagIds: ["other"] })).toEqual([]);
      // Nothing to claim meanwhile: the approval holds no slot, and nobody wakes it before its deadline.
      expect(await claim(s, g, at(100))).toEqual([]);

      const answered = await s.answerApproval({ runId: run.runId, taskId: "review", mapIndex: null, decision: "approve", answer: { approved: true }, comment: "ship it", actor: "alice", graph: g, now: at(200) });
      expect(answered).toMatchObject({ state: "success", result: { approved: true }, waitReason: null, wakeAt: null });
      expect((await s.listTries(claimed.instance.id)).map((t) => [t.tryNumber, t.outcome, t.endedAt])).toEqual([[1, "success", at(200)]]);
      const history = (await s.listStateHistory(run.runId)).filter((c) => c.taskId === "review").at(-1);
      expect(history).toMatchObject({ toState: "success", reason: "approved by alice: ship it" });
      expect(await s.listWaitingApprovals()).toEqual([]);
      expect((await s.getTaskResults(run.runId, ["review"])).get("review")).toEqual({ approved: true });
      expect(await run.instance("ship")).toMatchObject({ state: "queued" });

      // A second answer is a conflict that changes nothing.
      await expect(s.answerApproval({ runId: run.runId, taskId: "review", mapIndex: null, decision: "reject", actor: "bob", graph: g, now: at(300) })).rejects.toThrow(ConflictError);
      expect(await run.instance("review")).toMatchObject({ state: "success", result: { approved: true } });
      await expect(s.answerApproval({ runId: run.runId, taskId: "nope", mapIndex: null, decision: "approve", actor: "bob", graph: g, now: at(300) })).rejects.toThrow(NotFoundError);
    });

    it("a rejection fails the approval with who and why; downstream is upstream_failed and the run fails", async () => {
      const s = ctx.store;
      const g = pipeline("release2");
      const run = await RunDriver.start(s, g, { now: at(0) });
      await startWaiting(s, g, at(1));
      const rejected = await s.answerApproval({ runId: run.runId, taskId: "review", mapIndex: null, decision: "reject", comment: "not this week", actor: "bob", graph: g, now: at(50) });
      expect(rejected).toMatchObject({ state: "failed", error: "rejected by bob: not this week" });
      expect(await run.instance("ship")).toMatchObject({ state: "upstream_failed" });
      expect((await s.getRun(run.runId))?.state).toBe("failed");
    });

    it("with notify, a waiting approval is an alert source once; its alert is resolved by the answer, or by the timeout", async () => {
      const s = ctx.store;
      const quiet = pipeline("quiet");
      await RunDriver.start(s, quiet, { now: at(0) });
      await startWaiting(s, quiet, at(1));
      expect((await s.alerts.listAlertSources()).filter((src) => src.dagId === "quiet")).toEqual([]);

      for (const [dagId, end] of [["told", "answer"], ["told-late", "timeout"]] as const) {
        const g = pipeline(dagId, { kind: "fail" }, true);
        const run = await RunDriver.start(s, g, { now: at(0) });
        const claimed = await startWaiting(s, g, at(1));
        const sources = (await s.alerts.listAlertSources()).filter((src) => src.dagId === dagId);
        expect(sources).toEqual([
          {
            kind: "approval",
            sourceId: expect.any(Number),
            dagId,
            runId: run.runId,
            taskId: "review",
            mapIndex: null,
            taskInstanceId: claimed.instance.id,
            deadlineAt: new Date(at(1).getTime() + TIMEOUT),
            at: at(1),
          },
        ]);
        const source = sources[0];
        if (source?.kind !== "approval") throw new Error("no approval source");
        const raised = await s.alerts.raiseAlert({
          source: { kind: "approval", id: source.sourceId },
          dedupKey: `approval:${dagId}:review:${run.runId}`,
          dagId,
          runId: run.runId,
          taskId: "review",
          mapIndex: null,
          taskInstanceId: claimed.instance.id,
          title: "approval waiting",
          details: "",
          deliveries: [],
          now: at(2),
        });
        expect(raised).toMatchObject({ created: true, alert: { kind: "approval", state: "open" } });
        expect((await s.alerts.listAlertSources()).filter((src) => src.dagId === dagId)).toEqual([]);
        if (end === "answer") {
          await s.answerApproval({ runId: run.runId, taskId: "review", mapIndex: null, decision: "approve", answer: {}, actor: "alice", graph: g, now: at(3) });
          expect(await s.alerts.getAlert(raised?.alert.id ?? 0)).toMatchObject({ state: "resolved", resolvedBy: "alice" });
        } else {
          const deadline = new Date(at(1).getTime() + TIMEOUT);
          const [woken] = await claim(s, g, deadline);
          if (!woken) throw new Error("not woken");
          await s.completeTry({ taskInstanceId: woken.instance.id, tryNumber: 1, outcome: "deferred", graph: g, now: deadline });
          expect(await s.alerts.getAlert(raised?.alert.id ?? 0)).toMatchObject({ state: "resolved", resolvedBy: "timeout" });
        }
      }
    });

    it("takes no answer once its deadline has passed, even before a worker wakes it", async () => {
      const s = ctx.store;
      const g = pipeline("overdue");
      const run = await RunDriver.start(s, g, { now: at(0) });
      await startWaiting(s, g, at(1));
      const deadline = new Date(at(1).getTime() + TIMEOUT);
      await expect(s.answerApproval({ runId: run.runId, taskId: "review", mapIndex: null, decision: "approve", answer: {}, actor: "alice", graph: g, now: deadline })).rejects.toThrow(
        /timed out at .*: it takes no answer any more/,
      );
      expect(await run.instance("review")).toMatchObject({ state: "deferred", waitReason: "approval" });
    });

    it("the deadline wakes it without an answer: it fails (or is skipped), and a late answer is a conflict", async () => {
      const s = ctx.store;
      for (const [dagId, onTimeout, state] of [["late-fail", { kind: "fail" }, "failed"], ["late-skip", { kind: "skip" }, "skipped"]] as const) {
        const g = pipeline(dagId, onTimeout);
        const run = await RunDriver.start(s, g, { now: at(0) });
        await startWaiting(s, g, at(1));
        const deadline = new Date(at(1).getTime() + TIMEOUT);
        const [woken] = await claim(s, g, deadline);
        expect(woken).toMatchObject({ resumed: true, tryNumber: 1, instance: { taskId: "review" } });
        if (!woken) throw new Error("not woken");
        // While the worker decides, the approval is no longer waiting: an answer now is too late.
        await expect(s.answerApproval({ runId: run.runId, taskId: "review", mapIndex: null, decision: "approve", answer: {}, actor: "alice", graph: g, now: deadline })).rejects.toThrow(
          /not an approval waiting for an answer: it is running/,
        );
        const ended = await s.completeTry({ taskInstanceId: woken.instance.id, tryNumber: 1, outcome: "deferred", graph: g, now: deadline });
        expect(ended.state).toBe(state);
        expect(await run.instance("review")).toMatchObject({ state, error: "the approval timed out: no answer after waiting 1h 0m" });
      }
    });
  });
}
