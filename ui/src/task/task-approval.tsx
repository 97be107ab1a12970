/** The answer form in the task panel, for an instance that waits for a human approval. */
import type { TaskInstance } from "../api/types";
import { ErrorBox } from "../components/status";
import { useWaitingApprovals } from "../live/use-waiting-approvals";
import { ApprovalForm } from "./approval-form";

interface Props {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number | null;
  onAnswered(instance: TaskInstance, decision: "approve" | "reject"): void;
}

export function TaskApproval({ dagId, runId, taskId, mapIndex, onAnswered }: Props) {
  const approvals = useWaitingApprovals({ mine: false, dagId });
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
