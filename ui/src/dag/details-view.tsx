/** Everything a DAG declares: schedule, dates, limits, params and each task's settings. */
import type { DagDetail, JsonSchema } from "../api/types";
import { formatDuration } from "../format";
import { TimeText } from "../time/time-text";

export function DetailsView({ dag }: { dag: DagDetail }) {
  const params = Object.entries(dag.params?.properties ?? {});
  return (
    <div className="details">
      <dl className="facts">
        <dt>Schedule</dt>
        <dd>
          {dag.scheduleText ?? "manual only"} {dag.schedule !== null && typeof dag.schedule !== "object" ? <code>{String(dag.schedule)}</code> : dag.schedule ? <code>{JSON.stringify(dag.schedule)}</code> : null}
        </dd>
        <dt>Timezone</dt>
        <dd>{dag.timezone ?? "–"}</dd>
        <dt>Start date</dt>
        <dd>
          <TimeText iso={dag.startDate} />
        </dd>
        <dt>End date</dt>
        <dd>{dag.endDate ? <TimeText iso={dag.endDate} /> : "none"}</dd>
        <dt>Catchup</dt>
        <dd>{dag.catchup === null ? "–" : dag.catchup ? "yes: every missed interval runs" : "no: only the latest interval"}</dd>
        <dt>Max active runs</dt>
        <dd>{dag.maxActiveRuns ?? "no limit"}</dd>
        <dt>Max active tasks</dt>
        <dd>{dag.maxActiveTasks ?? "no limit"}</dd>
        <dt>Next run</dt>
        <dd>
          {dag.nextRun ? (
            <>
              <TimeText iso={dag.nextRun.logicalDate} style="logical" /> (created <TimeText iso={dag.nextRun.createdAt} />)
            </>
          ) : (
            "–"
          )}
        </dd>
        <dt>Scheduler lag</dt>
        <dd title="How long after its data interval ended each scheduled run was created">
          {dag.schedulerLag
            ? `${dag.schedulerLag.latestSeconds.toFixed(2)} s for the latest run, at most ${dag.schedulerLag.maxSeconds.toFixed(2)} s over the last ${dag.schedulerLag.runs}`
            : "–"}
        </dd>
        <dt>File</dt>
        <dd>
          <code>{dag.file ?? "–"}</code>
        </dd>
      </dl>

      <h3>Params</h3>
      {params.length === 0 ? (
        <p className="muted">This DAG takes no params.</p>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Default</th>
              <th scope="col">Required</th>
            </tr>
          </thead>
          <tbody>
            {params.map(([name, schema]) => (
              <tr key={name}>
                <td>
                  <code>{name}</code>
                </td>
                <td>{describeType(schema)}</td>
                <td>{schema.default === undefined ? "–" : <code>{JSON.stringify(schema.default)}</code>}</td>
                <td>{dag.params?.required?.includes(name) && schema.default === undefined ? "yes" : "no"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Tasks ({dag.tasks.length})</h3>
      <div className="table-scroll">
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Kind</th>
              <th scope="col">Upstream</th>
              <th scope="col">Trigger rule</th>
              <th scope="col">Retries</th>
              <th scope="col">Timeout</th>
              <th scope="col">Queue / pool</th>
              <th scope="col">Datasets</th>
            </tr>
          </thead>
          <tbody>
            {dag.tasks.map((t) => (
              <tr key={t.id}>
                <td>
                  <code>{t.id}</code>
                </td>
                <td>{t.kind ?? "task"}</td>
                <td>{t.upstream.join(", ") || "–"}</td>
                <td>{t.triggerRule}</td>
                <td>{t.retry ? `${t.retry.retries ?? 0}${t.retry.retries ? ` · ${formatDuration(t.retry.retryDelayMs)} ${t.retry.backoff ?? ""}` : ""}` : "–"}</td>
                <td>{t.timeoutMs ? formatDuration(t.timeoutMs) : "none"}</td>
                <td>
                  {t.queue ?? "default"}
                  {t.pool ? ` / ${t.pool}` : ""}
                </td>
                <td className="small">
                  {t.inputDatasets.map((d) => (
                    <div key={`in ${d}`}>← {d}</div>
                  ))}
                  {t.outputDatasets.map((d) => (
                    <div key={`out ${d}`}>→ {d}</div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function describeType(schema: JsonSchema): string {
  if (schema.enum) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  return schema.format ? `${type} (${schema.format})` : String(type);
}
