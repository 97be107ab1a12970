/**
 * What a store reports of each statement it runs, when opened with `onQuery`: its SQL text and how
 * long it took. For diagnostics and for tests that count what an operation costs in statements.
 */
export type QueryListener = (sql: string, durationMs: number) => void;
