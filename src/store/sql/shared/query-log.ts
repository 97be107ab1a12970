import type { LogConfig } from "kysely";
import type { QueryListener } from "../../contract/query-listener.js";

/** Kysely's log hook for a listener (none: no logging cost at all). */
export function queryLog(listener: QueryListener | undefined): LogConfig | undefined {
  if (listener === undefined) return undefined;
  return (event) => listener(event.query.sql, event.queryDurationMillis);
}
