/** The answer form in the task panel, for an instance that waits for a human approval. */
import { get } from "../api/client";
import type { TaskInstance, WaitingApprovalList } from "../api/types";
import { useResource } from "../api/use-resource";
import { ErrorBox } from "../components/status";
import { ApprovalForm } from "./approval-form";

interface Props {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  onAnswered(instance: TaskInstance, decision: "approve" | "reject"): void;
}

export function TaskApproval({ dagId, runId, taskId, mapIndex, onAnswered }: Props) {
  // Loaded once: what the entry says does not change while it waits, and the task panel, which
  // follows the instance live, unmounts this form when the wait ends.
  const approvals = useResource((signal) => get<WaitingApprovalList>("approvals", { mine: false, dagId }, signal), [dagId]);
  const approval = approvals.data?.approvals.find((a) => a.runId === runId && a.taskId === taskId && a.mapIndex === mapIndex);
  if (approvals.error && !approvals.data) return <ErrorBox error={approvals.error} onRetry={approvals.reload} />;
  if (!approval) return null;
  return (
    <section aria-label="Approval">
      <h3>Approval</h3>
      <ApprovalForm key={`${runId}/${taskId}/${mapIndex ?? ""}`} approval={approval} onAnswered={onAnswered} onGone={approvals.reload} />
    </section>
  );
}
