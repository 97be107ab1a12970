/**
 * A person's answer to a human approval (docs/approvals.md), in one transaction: the approval's
 * open try (its wait) ends, the instance ends `success` with the answer as its result (or
 * `failed`, rejected), and what follows is what any completion causes: downstream instances are
 * judged again and the run closes if it is done. Only an approval still waiting can be answered:
 * a second answer, or one after the timeout woke it, is a conflict, never a silent overwrite.
 */
import { ConflictError, NotFoundError } from "../../../core/errors.js";
import type { AnswerApprovalInput, TaskInstanceRecord } from "../../contract/store.js";
import { capError } from "../../contract/text-caps.js";
import { lockRun, lockTaskInstance, type RowLocks } from "../shared/locks.js";
import { instanceFromRow } from "../shared/rows.js";
import { moveTask } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";
import { advanceRun, closeRunIfDone } from "./advance.js";
import { closeApprovalRequest } from "../waits/approval-requests.js";

export async function answerApproval(tx: Tx, input: AnswerApprovalInput, rowLocks: RowLocks): Promise<TaskInstanceRecord> {
  const name = input.mapIndex === null ? input.taskId : `${input.taskId}[${input.mapIndex}]`;
  await lockRun(tx, input.runId, rowLocks);
  const row = await lockTaskInstance(tx, input, rowLocks);
  if (!row) throw new NotFoundError(`no task instance "${name}" in DAG run ${input.runId}`, { taskId: input.taskId, field: "taskId" });
  if (row.state !== "deferred" || row.wait_reason !== "approval") {
    const now = row.state === "deferred" ? `deferred (${row.wait_reason ?? "waiting"})` : row.state;
    throw new ConflictError(`task instance "${name}" of DAG run ${input.runId} is not an approval waiting for an answer: it is ${now}`, {
      dagId: row.dag_id,
      taskId: input.taskId,
    });
  }
  // Past its deadline the question is closed, even before a worker applies `onTimeout`.
  if (row.wake_at !== null && Number(row.wake_at) <= input.now.getTime()) {
    throw new ConflictError(
      `approval "${name}" of DAG run ${input.runId} timed out at ${new Date(Number(row.wake_at)).toISOString()}: it takes no answer any more`,
      { dagId: row.dag_id, taskId: input.taskId },
    );
  }
  const ti = { ...row, id: Number(row.id) };
  // A wait never ends before it started (a skewed clock on the answerer's machine).
  const at = Math.max(input.now.getTime(), Number(row.waiting_since ?? 0));
  const said = input.comment === undefined || input.comment.trim() === "" ? "" : `: ${input.comment.trim()}`;
  const approved = input.decision === "approve";
  const error = approved ? null : capError(`rejected by ${input.actor}${said}`);
  await tx
    .updateTable("task_tries")
    .set({ outcome: approved ? "success" : "failed", ended_at: at, error, error_kind: approved ? null : "error" })
    .where("task_instance_id", "=", ti.id)
    .where("try_number", "=", ti.try_number)
    .where("outcome", "=", "running")
    .execute();
  const fields = { ended_at: at, worker_id: null, wake_at: null, wait_reason: null, error };
  await moveTask(
    tx,
    ti,
    approved ? "success" : "failed",
    at,
    approved ? { ...fields, result: JSON.stringify(input.answer ?? null) } : fields,
    `${approved ? "approved" : "rejected"} by ${input.actor}${said}`,
  );
  await closeApprovalRequest(tx, ti, input.actor, at);
  await advanceRun(tx, input.runId, input.graph, [input.taskId], at);
  await closeRunIfDone(tx, input.runId, input.graph, at);
  const updated = await tx.selectFrom("task_instances").selectAll().where("id", "=", ti.id).executeTakeFirstOrThrow();
  return instanceFromRow(updated);
}
