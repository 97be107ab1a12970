/**
 * A list on an admin tab: its heading with a count, a hint, the loading, error and empty states,
 * then the table (columns given, rows as children; a last, unnamed column for row buttons).
 */
import type { ReactNode } from "react";
import type { Resource } from "../api/use-resource";
import { ErrorBox, Loading } from "../components/status";

export function AdminList({
  id,
  title,
  count,
  hint,
  status,
  resource,
  empty,
  isEmpty,
  columns,
  withActions,
  children,
}: {
  id: string;
  title: string;
  count?: ReactNode;
  hint?: ReactNode;
  /** The outcome of a change made from a row. */
  status?: ReactNode;
  resource: Resource<unknown>;
  /** Shown instead of the table when the loaded list is empty. */
  empty: ReactNode;
  isEmpty: boolean;
  columns: readonly string[];
  withActions?: boolean;
  children: ReactNode;
}) {
  const loaded = resource.data !== undefined;
  return (
    <section aria-labelledby={id}>
      <div className="filters">
        <h2 id={id}>{title}</h2>
        {loaded && count !== undefined ? <span className="muted small">{count}</span> : null}
      </div>
      {hint ? <p className="hint">{hint}</p> : null}
      {status}
      {resource.loading ? <Loading label={`Loading ${title.toLowerCase()}…`} /> : null}
      {resource.error && !loaded ? <ErrorBox error={resource.error} onRetry={resource.reload} /> : null}
      {loaded && isEmpty ? empty : null}
      {loaded && !isEmpty ? (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
                {withActions ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
