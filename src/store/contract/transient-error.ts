/**
 * Whether a store error is worth retrying: the database is unreachable, restarting, or busy.
 * Anything else (a constraint, a bug) would fail the same way again.
 */
export function isTransientStoreError(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  const message = error instanceof Error ? error.message : String(error);
  return (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "SQLITE_BUSY", "SQLITE_LOCKED"].includes(code) ||
    code.startsWith("08") || // PostgreSQL connection exceptions
    code.startsWith("57P") || // admin shutdown, crash shutdown, cannot connect now
    code === "40001" || // serialization failure
    code === "40P01" || // deadlock detected
    isStalePreparedPlan(error) ||
    /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message)
  );
}

/**
 * "cached plan must not change result type": a prepared statement outlived a change of its table
 * made elsewhere (a migration; postgres/prepared-statements.ts). Told by the server function that
 * raises it, not by its message, which a server may translate.
 */
export function isStalePreparedPlan(error: unknown): boolean {
  const { code, routine } = (error ?? {}) as { code?: unknown; routine?: unknown };
  return code === "0A000" && routine === "RevalidateCachedQuery";
}
