/**
 * The store's public surface: what code outside store/ imports (eslint.config.js, STORE_INTERNALS).
 * contract/ is the Store interface and its types; sql/ implements it once with Kysely; sqlite/ and
 * postgres/ open a connection. Opening a store (open-store.ts, the dialects' open-* files) is not
 * re-exported here: it loads the database drivers, so callers import it directly (app/ lazily).
 */
export * from "./contract/access.js";
export * from "./contract/alert-records.js";
export * from "./contract/alerts.js";
export * from "./contract/backfills.js";
export * from "./contract/lineage.js";
export * from "./contract/result-cache.js";
export * from "./contract/run-notes.js";
export * from "./contract/query-listener.js";
export * from "./contract/run-records.js";
export * from "./contract/steps.js";
export * from "./contract/stored-result.js";
export * from "./contract/store.js";
export * from "./contract/text-caps.js";
export * from "./contract/transient-error.js";
export * from "./store-url.js";
