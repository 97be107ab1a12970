/**
 * Which DAG version the Graph and Code tabs show: the one the selected run used. A run of an
 * older version gets a clear marker (the DAG changed since; tasks removed since are named).
 */
import { errorMessage } from "../api/client";

export const shortVersion = (version: string) => version.slice(0, 10);

interface Props {
  readonly runVersion: string | null;
  readonly currentVersion: string | null;
  /** The run's version when it differs from the current one. */
  readonly olderVersion: string | null;
  readonly loadError: unknown;
  readonly removedTasks: ReadonlySet<string>;
  readonly view: "graph" | "code";
}

export function VersionNote({ runVersion, currentVersion, olderVersion, loadError, removedTasks, view }: Props) {
  if (olderVersion === null) {
    const shown = runVersion ?? currentVersion;
    if (shown === null) return null;
    return (
      <p className="version-line muted small" data-testid="version-line" data-version={shown}>
        Version <code title={shown}>{shortVersion(shown)}</code>
        {runVersion !== null && runVersion === currentVersion ? " · the current version" : runVersion === null ? " · the current version (this run recorded none)" : ""}
      </p>
    );
  }
  const removed = [...removedTasks];
  return (
    <div className="version-note" role="note" data-testid="version-note" data-version={olderVersion}>
      <strong>This run used an older version of the DAG:</strong> <code title={olderVersion}>{shortVersion(olderVersion)}</code>
      {currentVersion ? (
        <>
          {" "}
          (the current one is <code title={currentVersion}>{shortVersion(currentVersion)}</code>).
        </>
      ) : (
        "."
      )}{" "}
      {loadError ? (
        <span className="field-error">That version cannot be shown ({errorMessage(loadError)}); this is the current one.</span>
      ) : view === "graph" ? (
        <>
          The graph is the run's.
          {removed.length > 0 ? (
            <>
              {" "}
              Removed since: {removed.map((t, i) => (
                <span key={t}>
                  {i > 0 ? ", " : ""}
                  <code>{t}</code>
                </span>
              ))}
              .
            </>
          ) : null}
        </>
      ) : (
        "The code is the file as that run saw it."
      )}
    </div>
  );
}
