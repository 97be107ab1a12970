/**
 * Human approvals in the testing kit (docs/approvals.md): the run waits at the approval, the test
 * answers it at a virtual time, and the answer (checked against the form) flows downstream; a
 * rejection fails the task; an approval nobody answers meets its timeout in virtual time.
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { dag } from "../../../src/dsl/dag.js";
import { testDag } from "../../../src/testing/index.js";

const HOUR = 3_600_000;

function releasePipeline(onTimeout?: "fail" | "skip" | { approved: boolean; note?: string }) {
  return dag("release", { startDate: "2024-03-01", schedule: "@daily" }, (d) => {
    const build = d.task("build", () => ({ version: "1.2.3" }));
    const review = d.approval("review", {
      after: [build],
      form: z.object({ approved: z.boolean(), note: z.string().default("none") }),
      timeout: "2d",
      ...(onTimeout === undefined ? {} : { onTimeout }),
    });
    d.task("ship", { inputs: { review } }, (_ctx, { review: answer }) => ({ shipped: answer.approved, note: answer.note }));
  });
}

describe("testDag with d.approval", () => {
  it("waits for the answer, holding no slot, and hands the parsed answer downstream", async () => {
    const result = await testDag(releasePipeline(), { logicalDate: "2024-03-01", approvals: { review: { answer: { approved: true }, after: "3h", by: "alice" } } });
    expect(result.states).toEqual({ build: "success", review: "success", ship: "success" });
    // The form's default filled `note`: downstream receives what the form parsed.
    expect(result.resultOf("review")).toEqual({ approved: true, note: "none" });
    expect(result.resultOf("ship")).toEqual({ shipped: true, note: "none" });
    const [reviewTry] = result.tries("review");
    expect(reviewTry?.outcome).toBe("success");
    expect((reviewTry?.endedAt.getTime() ?? 0) - (reviewTry?.startedAt.getTime() ?? 0)).toBe(3 * HOUR);
  });

  it("fails the approval when the test rejects it: downstream does not run", async () => {
    const result = await testDag(releasePipeline(), { logicalDate: "2024-03-01", approvals: { review: { reject: "not this week", by: "bob" } } });
    expect(result.states).toEqual({ build: "success", review: "failed", ship: "upstream_failed" });
    expect(result.tries("review")[0]?.error).toBe("rejected by bob: not this week");
  });

  it("refuses a test answer that does not fit the form, naming the field", async () => {
    await expect(testDag(releasePipeline(), { logicalDate: "2024-03-01", approvals: { review: { answer: { approved: "yes" } } } })).rejects.toThrow(
      /approval "review".*approved/,
    );
  });

  it("meets the timeout in virtual time when nobody answers: fail, skip, or the default answer", async () => {
    const failed = await testDag(releasePipeline(), { logicalDate: "2024-03-01" });
    expect(failed.states).toEqual({ build: "success", review: "failed", ship: "upstream_failed" });
    const [timedOut] = failed.tries("review");
    expect(timedOut?.error).toMatch(/the approval timed out: no answer after waiting 48h/);
    expect((timedOut?.endedAt.getTime() ?? 0) - (timedOut?.startedAt.getTime() ?? 0)).toBe(48 * HOUR);

    expect((await testDag(releasePipeline("skip"), { logicalDate: "2024-03-01" })).states).toEqual({ build: "success", review: "skipped", ship: "skipped" });

    const answered = await testDag(releasePipeline({ approved: false, note: "timed out" }), { logicalDate: "2024-03-01" });
    expect(answered.states).toEqual({ build: "success", review: "success", ship: "success" });
    expect(answered.resultOf("ship")).toEqual({ shipped: false, note: "timed out" });
  });

  it("names the field of a bad approval option at load time", () => {
    expect(() =>
      dag("bad", { startDate: "2024-03-01" }, (d) => {
        d.approval("review", { form: z.object({ approved: z.boolean() }), onTimeout: { approved: "maybe" } as never });
      }),
    ).toThrow(/onTimeout.*approved/);
    expect(() =>
      dag("bad2", { startDate: "2024-03-01" }, (d) => {
        d.approval("review", { form: z.string() as never });
      }),
    ).toThrow(/form/);
    expect(() =>
      dag("bad3", { startDate: "2024-03-01" }, (d) => {
        d.approval("review", { form: z.object({}), retries: 3 } as never);
      }),
    ).toThrow(/retries/);
  });
});

describe("the approval policy in the graph", () => {
  it("notifies by default, approvers default to operators, and the form is JSON Schema", () => {
    const pipeline = dag("policy", { startDate: "2024-03-01" }, (d) => {
      d.approval("review", { form: z.object({ approved: z.boolean() }) });
      d.approval("quiet", { form: z.object({ ok: z.boolean() }), notify: false, approvers: ["alice"], timeout: "1h", onTimeout: "skip" });
    });
    const [review, quiet] = pipeline.graph.tasks;
    expect(review?.approval).toMatchObject({ approvers: { role: "operator" }, timeoutMs: 7 * 86_400_000, onTimeout: { kind: "fail" }, notify: true });
    expect(review?.approval?.form).toMatchObject({ type: "object", properties: { approved: { type: "boolean" } } });
    expect(review?.retry.retries).toBe(0);
    expect(quiet?.approval).toMatchObject({ approvers: { users: ["alice"] }, timeoutMs: 3_600_000, onTimeout: { kind: "skip" }, notify: false });
    expect(quiet?.sensor).toEqual({ everyMs: 3_600_000, timeoutMs: 3_600_000, softFail: true });
  });
});
