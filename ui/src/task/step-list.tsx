/**
 * The durable steps (`ctx.step`) of a task instance: what each completed, in which try, how long it
 * ran, and a preview of its stored result. A later try replays these instead of running them again.
 * An event wait (`ctx.waitForEvent`) says whether it is waiting (until its deadline), received its
 * event, or timed out.
 */
import type { TaskStep } from "../api/types";
import { between, formatDuration } from "../format";
import { useTimes } from "../time/use-times";

interface Props {
  readonly steps: readonly TaskStep[];
}

/** What an event wait's "Ran" cell says: its deadline while it waits, else when it ended. */
function eventWaitText(step: TaskStep, now: number, at: (iso: string) => string): string {
  // Settled: a delivered payload is an object; null is a wait settled at its deadline (timed out).
  if (!step.waiting) return step.resultPreview === "null" ? `timed out at ${at(step.endedAt)}` : `received at ${at(step.endedAt)}`;
  return Date.parse(step.endedAt) > now ? `waiting until ${at(step.endedAt)}` : `timed out at ${at(step.endedAt)}`;
}

export function StepList({ steps }: Props) {
  const times = useTimes();
  if (steps.length === 0) return null;
  const now = Date.now();
  return (
    <>
      <h3>Steps</h3>
      <table className="table compact" data-testid="task-steps">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Step</th>
            <th scope="col">Try</th>
            <th scope="col">Ran</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => (
            <tr key={s.number}>
              <td>{s.number}</td>
              <td>
                {s.kind === "event" ? "event " : null}
                <code>{s.name}</code>
              </td>
              <td title="the try that completed the step; later tries replay its result">#{s.tryNumber}</td>
              {s.kind === "event" ? (
                <td title={`waiting since ${times.dateTimeSeconds(s.startedAt)}`} data-testid="event-wait">
                  {eventWaitText(s, now, (iso) => times.dateTimeSeconds(iso))}
                </td>
              ) : (
                <td title={`${times.dateTimeSeconds(s.startedAt)} → ${times.dateTimeSeconds(s.endedAt)}`}>{formatDuration(between(s.startedAt, s.endedAt))}</td>
              )}
              <td className="step-result" title={`${s.resultBytes} bytes of JSON`}>
                <code>{s.resultPreview}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
