import { Kysely, sql } from "kysely";
import type { QueryListener } from "../contract/query-listener.js";
import { queryLog } from "../sql/shared/query-log.js";
import type { Database } from "../sql/schema.js";
import { SqlStore } from "../sql/sql-store.js";
import type { RunInTransaction } from "../sql/shared/tx.js";
import { isUniqueViolation } from "../sql/shared/locks.js";
import { claimStatisticsRefresher } from "./claim-statistics.js";
import { listenNotifier, queuedChannel } from "./listen-notifier.js";
import { createStepFunction, stepFunction } from "./step-function.js";
import { preparingPool } from "./prepared-statements.js";
import { SchemaScopedPostgresDialect } from "./schema-introspector.js";
import { loadPg } from "./pg-driver.js";

export interface PostgresStoreOptions {
  /** `postgres://user@host:5432/db` */
  readonly url: string;
  /** Schema holding Tributary's tables (created if missing); default `public`. */
  readonly schema?: string;
  /** Connections in the pool. */
  readonly maxConnections?: number;
  /**
   * Named prepared statements (default true; postgres/prepared-statements.ts). Off for a
   * connection pooler that hands each transaction to any server connection without carrying
   * prepared statements along (PgBouncer in transaction mode before 1.21).
   */
  readonly preparedStatements?: boolean;
  /** Called after every statement (diagnostics: what the hot path costs, in statements). */
  readonly onQuery?: QueryListener;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The PostgreSQL store, for many schedulers and workers on many machines: the same query layer as
 * SQLite, with row locks (FOR UPDATE, SKIP LOCKED) where concurrent writers meet (sql/shared/locks.ts)
 * and READ COMMITTED transactions whose every state change is a guarded update.
 */
export function openPostgresStore(options: PostgresStoreOptions): SqlStore {
  const schema = options.schema ?? "public";
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const connectPool = async () => {
    const pg = await loadPg();
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      // Every connection works in the store's schema, with the settings of PGOPTIONS (libpq's,
      // which node-postgres reads only when no options are given) kept before it.
      options: [process.env["PGOPTIONS"], `-c search_path=${schema}`].filter((part) => part !== undefined && part.trim() !== "").join(" "),
    });
    // An idle connection that dies (server restart) must not crash the process.
    pool.on("error", () => undefined);
    // Nor one that is checked out (pg-pool removes its idle listener then): a server restart between
    // two statements of a transaction emits 'error' on the client with no query to receive it. The
    // statement in flight, or the next one, fails instead, and callers retry (transient-error.ts).
    pool.on("connect", (client) => client.on("error", () => undefined));
    return options.preparedStatements === false ? pool : preparingPool(pool);
  };
  const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool: connectPool }, schema), log: queryLog(options.onQuery) });
  const inTransaction: RunInTransaction = (fn) => db.transaction().execute(fn);
  return new SqlStore({
    db,
    dialect: "postgres",
    inTransaction,
    rowLocks: true,
    // A transaction may commit a lower state-change id after a higher one: readers let 2 s settle.
    capabilities: { stateChangeSettleMs: 2_000 },
    schema,
    notifier: listenNotifier(options.url, schema),
    claimStatistics: claimStatisticsRefresher(db),
    step: stepFunction(db, queuedChannel(schema)),
    beforeMigrate: async () => {
      if (schema === "public") return;
      // Looked for first: `create schema if not exists` needs CREATE on the database even when the
      // schema exists, which a role that only reads and writes the tables does not have.
      const { rows } = await sql<{ present: boolean }>`select exists (select 1 from pg_namespace where nspname = ${schema}) as present`.execute(db);
      if (rows[0]?.present === true) return;
      // Two processes starting at once may both try: losing that race is fine.
      await sql`create schema if not exists ${sql.id(schema)}`.execute(db).catch((error: unknown) => {
        if (!isUniqueViolation(error) && (error as { code?: unknown }).code !== "42P06") throw error;
      });
    },
    afterMigrate: () => createStepFunction(db),
  });
}
