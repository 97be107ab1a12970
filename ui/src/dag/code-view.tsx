/** The DAG's source file, as the server loaded it, with line numbers. */
import { get, seg } from "../api/client";
import { useResource } from "../api/use-resource";
import { ErrorBox, Loading } from "../components/status";

export function CodeView({ dagId }: { dagId: string }) {
  const source = useResource((signal) => get<{ file: string; source: string }>(`dags/${seg(dagId)}/source`, undefined, signal), [dagId]);
  if (source.loading) return <Loading label="Loading the source…" />;
  if (source.error || !source.data) return <ErrorBox error={source.error} onRetry={source.reload} />;
  const lines = source.data.source.split("\n");
  return (
    <div className="code-view">
      <div className="muted small code-file">
        <code>{source.data.file}</code> · {lines.length} lines
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
