import { sql } from "kysely";
import type { TryErrorKind } from "../../contract/store.js";
import { chunks } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";

/**
 * Closes the open (`running`) tries of task instances an operator stopped (a cancelled run, a
 * marked instance), so that each try keeps a true record: it ended, and why.
 */
export async function closeOpenTries(
  tx: Tx,
  instances: readonly { readonly id: number }[],
  outcome: { outcome: "failed"; error: string; errorKind: TryErrorKind },
  at: number,
): Promise<void> {
  for (const ids of chunks(instances.map((ti) => ti.id), 500)) {
    await tx
      .updateTable("task_tries")
      // A try never ends before it started (a skewed clock on the operator's machine).
      .set({ outcome: outcome.outcome, ended_at: sql<number>`case when started_at > ${at} then started_at else ${at} end`, error: outcome.error, error_kind: outcome.errorKind })
      .where("task_instance_id", "in", ids)
      .where("outcome", "=", "running")
      .execute();
  }
}
