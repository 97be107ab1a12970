/** `tributary backfill`'s progress, drawn from the stored backfill's progress on stderr. */
import { formatDuration } from "../core/duration.js";
import type { BackfillProgressCounts } from "../store/index.js";

/**
 * A progress bar on a terminal; on a pipe, a line at most every 2 seconds. The ETA is measured on
 * what this process finished, so a resumed backfill's earlier work does not skew it.
 */
export function progressBar(startedAt: number, doneAtStart: number): (progress: BackfillProgressCounts, final?: boolean) => void {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  return (p, final = false) => {
    const elapsed = Date.now() - startedAt;
    const processed = p.done - Math.max(doneAtStart, p.skipped);
    const remaining = p.total - p.done;
    const eta = processed > 0 && remaining > 0 ? formatDuration((elapsed / processed) * remaining) : "-";
    const width = 30;
    const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
    const text =
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.done}/${p.total} runs done, ` +
      `${p.failed} failed, ${p.running} running, ETA ${eta}`;
    if (tty) process.stderr.write(`\r${text}${final ? "\n" : ""}`);
    else if (final || Date.now() - lastLine >= 2_000) {
      lastLine = Date.now();
      process.stderr.write(`${text}\n`);
    }
  };
}
