/**
 * Answering a human approval (API `POST .../approval`, CLI `tributary approvals approve|reject`,
 * docs/approvals.md): the answer is checked against the approval's form with the DAG's own zod
 * schema (in the DAG code thread for a registered DAG, dag-code.ts), recorded (the store ends the
 * wait), and audited. Who may answer is the caller's rule (the API checks the approvers; a local
 * command has the store's keys).
 */
import { InvalidInputError } from "../core/errors.js";
import type { DagGraph } from "../core/types.js";
import type { DagCode } from "./dag-code.js";
import type { AnswerApprovalInput, Store, TaskInstanceRecord } from "../store/index.js";

/** An answer as a caller gives it: `answer` is the raw form values (checked here), and the graph is the DAG's. */
export type ApprovalAnswer = Omit<AnswerApprovalInput, "graph">;

export async function answerApproval(store: Store, dag: { readonly id: string; readonly graph: DagGraph }, code: DagCode, input: ApprovalAnswer): Promise<TaskInstanceRecord> {
  if (input.decision === "reject" && input.answer !== undefined) {
    throw new InvalidInputError("a rejection takes no answer: say why in the comment", { dagId: dag.id, taskId: input.taskId, field: "answer" });
  }
  const answer = input.decision === "approve" ? await code.approvalAnswer(input.taskId, input.answer ?? {}) : undefined;
  const answered = await store.answerApproval({
    runId: input.runId,
    taskId: input.taskId,
    mapIndex: input.mapIndex,
    decision: input.decision,
    ...(answer === undefined ? {} : { answer }),
    ...(input.comment === undefined ? {} : { comment: input.comment }),
    actor: input.actor,
    graph: dag.graph,
    now: input.now,
  });
  await store.access.appendAudit({
    actor: input.actor,
    action: `approval.${input.decision}`,
    target: `${input.runId}/${input.taskId}${answered.mapIndex === null ? "" : `[${answered.mapIndex}]`}`,
    details: { ...(answer === undefined ? {} : { answer }), ...(input.comment === undefined ? {} : { comment: input.comment }) },
    now: input.now,
  });
  return answered;
}
