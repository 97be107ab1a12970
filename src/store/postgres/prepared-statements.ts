/**
 * Runs the store's statements as named prepared statements: PostgreSQL parses and plans an
 * unnamed statement anew each time, which costs about as much as running the hot path's small
 * statements (measured: 0.22 ms a completion's UPDATE unnamed, 0.12 ms prepared). Kysely sends
 * each query as SQL text with parameters; this pool's clients give each distinct text a name, and
 * node-postgres prepares it once per connection.
 *
 * Only DML and queries are named (never DDL, or a migration's text), and at most `limit` distinct
 * texts. Texts differ with the length of an `in (...)` list, so they are not a fixed set: a text is
 * named the second time it runs, so that texts run once (a list of an unusual length, a report an
 * operator asked for) do not use up the names before the hot path's statements, which repeat, get
 * theirs.
 *
 * A prepared `select *` fails ("cached plan must not change result type") once a migration
 * elsewhere has added a column: the pool then names every text anew (a new generation of names,
 * prepared again). A statement outside a transaction is run again at once; inside one, the
 * transaction is lost, and the error is transient (contract/transient-error.ts): callers retry it.
 * Each connection that held statements of the older names is closed when next checked out, which
 * frees them in the server.
 *
 * PostgreSQL plans a prepared statement for its parameters the first five times, then may keep a
 * generic plan. The claim's state is a literal in its text (the claim index holds the queued
 * instances alone, sql/shared/state-literal.ts), so both plans walk that index in the claim's
 * order (postgres/claim-statistics.ts).
 */
import type pg from "pg";
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";
import { isStalePreparedPlan } from "../contract/transient-error.js";

const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
const TRANSACTION_START = /^\s*(begin|start transaction)\b/i;
const TRANSACTION_END = /^\s*(commit|rollback)\s*;?\s*$/i;

/** How many texts run once are remembered (to be named when they run again); forgotten all at once beyond that. */
const SEEN_ONCE_LIMIT = 2_000;

export function preparingPool(pool: pg.Pool, limit = 400): PostgresPool {
  let generation = 0;
  let names = new Map<string, string>();
  const seenOnce = new Set<string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name !== undefined || names.size >= limit || !PREPARABLE.test(text)) return name;
    if (!seenOnce.has(text)) {
      if (seenOnce.size >= SEEN_ONCE_LIMIT) seenOnce.clear();
      seenOnce.add(text);
      return undefined;
    }
    name = `tributary_${generation}_${names.size}`;
    names.set(text, name);
    return name;
  };
  const invalidate = () => {
    generation++;
    names = new Map();
  };
  // One wrapper per connection, so that Kysely recognises a connection it has seen before.
  const wrappers = new WeakMap<pg.PoolClient, { readonly wrapper: PostgresPoolClient; readonly generation: number }>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let inTransaction = false;
    const run = async <R>(text: string, values: readonly unknown[]): Promise<PostgresQueryResult<R>> => {
      const name = nameOf(text);
      return (await client.query({ text, values: [...values], ...(name === undefined ? {} : { name }) })) as unknown as PostgresQueryResult<R>;
    };
    const query = async <R>(text: string, values: readonly unknown[]): Promise<PostgresQueryResult<R>> => {
      if (TRANSACTION_START.test(text)) inTransaction = true;
      else if (TRANSACTION_END.test(text)) inTransaction = false;
      try {
        return await run<R>(text, values);
      } catch (error) {
        if (!isStalePreparedPlan(error)) throw error;
        invalidate();
        if (inTransaction) throw error;
        return run<R>(text, values);
      }
    };
    return { query: query as PostgresPoolClient["query"], release: (destroy?: boolean) => client.release(destroy) };
  };
  return {
    connect: async (): Promise<PostgresPoolClient> => {
      for (;;) {
        const client = await pool.connect();
        const entry = wrappers.get(client);
        if (entry === undefined) {
          const wrapper = wrap(client);
          wrappers.set(client, { wrapper, generation });
          return wrapper;
        }
        if (entry.generation === generation) return entry.wrapper;
        // A connection from before the names were renewed holds statements that will never run
        // again: closed, which frees them in the server, and replaced by a new one.
        client.release(true);
      }
    },
    end: () => pool.end(),
  };
}
