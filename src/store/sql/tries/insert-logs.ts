import type { TryLogLines } from "../../contract/store.js";
import { capText, MAX_STORED_LOG_LINE_CHARS } from "../../contract/text-caps.js";
import { chunks } from "../shared/transitions.js";
import type { Tx } from "../shared/tx.js";

/**
 * Stores tries' log lines in the caller's transaction, 500 rows a statement: a batch of lines
 * (`appendLogs`), or a try's last lines with its outcome (complete-tries.ts).
 */
export async function insertLogs(tx: Tx, entries: readonly TryLogLines[]): Promise<void> {
  for (const chunk of chunks(logRows(entries), 500)) await tx.insertInto("task_logs").values(chunk).execute();
}

/** The rows of `task_logs` that store `entries`, each message capped (also sql/shared/step-call.ts). */
export function logRows(entries: readonly TryLogLines[]): { try_id: number; at: number; stream: string; level: string; message: string }[] {
  return entries.flatMap(({ tryId, lines }) =>
    lines.map((line) => ({
      try_id: tryId,
      at: line.at.getTime(),
      stream: line.stream,
      level: line.level,
      message: capText(line.message, MAX_STORED_LOG_LINE_CHARS),
    })),
  );
}
