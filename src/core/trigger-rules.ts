/**
 * Trigger rules (docs/architecture.md §3): whether a waiting task instance is ready, must keep waiting, or can
 * never run, judged from the states of its direct upstream task instances. The semantics are
 * Airflow's, including how `skipped` propagates down chains of `all_success` tasks.
 */
import type { TaskState, TriggerRule, UpstreamStateCounts } from "./types.js";

export type TriggerDecision = "ready" | "wait" | "skip" | "upstream_failed";

/** The task state a caller moves a waiting instance to for each final decision. */
export const TRIGGER_DECISION_STATE: Readonly<Record<"skip" | "upstream_failed", TaskState>> = {
  skip: "skipped",
  upstream_failed: "upstream_failed",
};

/**
 * @param counts upstream task instances per state (a mapped upstream task counts once per instance)
 * @param upstreamTotal the number of upstream task instances, finished or not
 */
export function evaluateTriggerRule(
  rule: TriggerRule,
  counts: UpstreamStateCounts,
  upstreamTotal: number,
): TriggerDecision {
  if (upstreamTotal <= 0) return "ready";
  const success = counts.success ?? 0;
  const skipped = counts.skipped ?? 0;
  const failures = (counts.failed ?? 0) + (counts.upstream_failed ?? 0);
  const allDone = success + skipped + failures >= upstreamTotal;

  switch (rule) {
    case "all_success":
      if (failures > 0) return "upstream_failed";
      if (skipped > 0) return "skip";
      return success >= upstreamTotal ? "ready" : "wait";
    case "all_failed":
      if (success > 0 || skipped > 0) return "skip";
      return failures >= upstreamTotal ? "ready" : "wait";
    case "all_done":
      return allDone ? "ready" : "wait";
    case "one_success":
      if (success > 0) return "ready";
      if (!allDone) return "wait";
      return skipped >= upstreamTotal ? "skip" : "upstream_failed";
    case "one_failed":
      if (failures > 0) return "ready";
      return allDone ? "skip" : "wait";
    case "none_failed":
      if (failures > 0) return "upstream_failed";
      return allDone ? "ready" : "wait";
    case "none_failed_min_one_success":
      if (failures > 0) return "upstream_failed";
      if (!allDone) return "wait";
      return skipped >= upstreamTotal ? "skip" : "ready";
    case "none_skipped":
      if (skipped > 0) return "skip";
      return allDone ? "ready" : "wait";
    case "always":
      return "ready";
  }
}
