/** A DAG's source file with line numbers: as the server loaded it, or as an older version had it. */
import { get, seg } from "../api/client";
import type { DagSource, DagVersion } from "../api/types";
import { useResource } from "../api/use-resource";
import { Empty, ErrorBox, Loading } from "../components/status";

export function CodeView({ dagId, version }: { dagId: string; version?: DagVersion }) {
  const source = useResource(
    (signal) => (version ? Promise.resolve(undefined) : get<DagSource>(`dags/${seg(dagId)}/source`, undefined, signal)),
    [dagId, version?.version ?? null],
  );
  if (version && version.source === null) return <Empty title="No source kept for this version">The run's creator did not know the DAG file's text.</Empty>;
  if (!version && source.loading) return <Loading label="Loading the source…" />;
  if (!version && (source.error || !source.data)) return <ErrorBox error={source.error} onRetry={source.reload} />;
  const text = version?.source ?? source.data?.source ?? "";
  const lines = text.split("\n");
  return (
    <div className="code-view" data-version={version?.version ?? "current"}>
      <div className="muted small code-file">
        {source.data ? <code>{source.data.file}</code> : <span>version {version?.version}</span>} · {lines.length} lines
      </div>
      <pre className="code" tabIndex={0} aria-label={`Source of ${dagId}`}>
        <code>
          {lines.map((line, i) => (
            <span className="code-line" key={i}>
              <span className="code-no" aria-hidden="true">
                {i + 1}
              </span>
              {line || " "}
              {"\n"}
            </span>
          ))}
        </code>
      </pre>
    </div>
  );
}
