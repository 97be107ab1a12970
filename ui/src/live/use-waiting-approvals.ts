/**
 * The approvals waiting for an answer (GET /approvals): `mine` keeps those the caller may answer.
 * Reloaded soon after an instance enters or leaves `deferred` (an approval starts or ends its
 * wait; sensors do too, hence the delay that batches them) and every `everyMs` as a fallback.
 */
import { get } from "../api/client";
import type { WaitingApprovalList } from "../api/types";
import { useResource, type Resource } from "../api/use-resource";
import { useRefresh } from "./use-refresh";

export function useWaitingApprovals(query: { readonly mine: boolean; readonly dagId?: string }, everyMs = 30_000): Resource<WaitingApprovalList> {
  const { mine, dagId } = query;
  const approvals = useResource((signal) => get<WaitingApprovalList>("approvals", { mine, dagId }, signal), [mine, dagId]);
  useRefresh(approvals.reload, (c) => c.taskId !== null && (c.toState === "deferred" || c.fromState === "deferred"), everyMs);
  return approvals;
}
