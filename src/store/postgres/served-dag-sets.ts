/**
 * The lists of DAGs a worker's claims serve, registered in the store once per list (migration
 * 000022), so that PostgreSQL's step function takes a list's key instead of the list. A claim
 * names every DAG its worker serves and those whose due waits it wakes: a service's worker serves
 * every DAG of its folder, and two lists of 3,000 names in each step's argument, sent, parsed and
 * hashed at every step, made a chain's step 1.1 ms dearer than with one DAG served.
 *
 * A list's key is a hash of both lists, sorted, made once per list: a worker's claims share their
 * lists until its DAGs change (`ClaimRequest.dagIds`: a list's identity stands for its content).
 * A store registers a key before its first step with it, and touches it again once a day while it
 * uses it. Lists no store touched for a week are deleted when another is registered; a worker
 * still using one then hears from the step function that its key is unknown (`UNKNOWN_DAG_SET`),
 * and registers it again before its next step, that step going through the statements' path.
 * Times are the database's clock: a worker's own clock (or a test's) never ages another's lists.
 */
import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Database } from "../sql/schema.js";
import { servedDagSet } from "../sql/shared/claim-dags.js";

/** A list no store touched for this long is deleted when another list is registered. */
export const SERVED_DAG_SET_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

/** How often a store touches a list it uses (its time renewed, so that it is not deleted). */
export const SERVED_DAG_SET_TOUCH_MS = 24 * 60 * 60 * 1000;

/** The step function's reason for a key it does not find (step-function-sql.ts). */
export const UNKNOWN_DAG_SET = "an unknown DAG set";

/** The lists as registered: every DAG served once, in order, each with whether its waits are woken. */
export interface ServedDagLists {
  readonly key: string;
  readonly dags: readonly string[];
  readonly wakes: readonly boolean[];
}

const sets = new WeakMap<readonly string[], { readonly wake: readonly string[]; readonly set: ServedDagLists }>();

/** The lists `dags` (every DAG served) and `wake` (those whose due waits the claim wakes) as registered, with their key. */
export function servedDagLists(dags: readonly string[], wake: readonly string[]): ServedDagLists {
  const kept = sets.get(dags);
  if (kept?.wake === wake) return kept.set;
  const sorted = [...servedDagSet(dags)].sort();
  const woken = new Set(wake);
  const wakes = sorted.map((dagId) => woken.has(dagId));
  const key = createHash("sha256").update(JSON.stringify([sorted, wakes])).digest("base64url");
  const set = { key, dags: sorted, wakes };
  sets.set(dags, { wake, set });
  return set;
}

/** After a registration failed, how long a store waits before it tries that list again. */
export const SERVED_DAG_SET_RETRY_MS = 60_000;

/** A store's registrations: the keys it registered, and when (its own clock, for touching them). */
export class ServedDagSets {
  readonly #db: Kysely<Database>;
  readonly #registered = new Map<string, number>();
  /**
   * Registrations that failed, with when to try again: a role without rights on the tables would
   * otherwise try (and have the server log an error) at every step. Until then the same error.
   */
  readonly #failed = new Map<string, { readonly until: number; readonly error: unknown }>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The lists' key, registered first if this store has not registered it, touched if it did a day ago. */
  async keyOf(dags: readonly string[], wake: readonly string[]): Promise<string> {
    const set = servedDagLists(dags, wake);
    const registered = this.#registered.get(set.key);
    const now = Date.now();
    if (registered === undefined || now - registered > SERVED_DAG_SET_TOUCH_MS) {
      const failed = this.#failed.get(set.key);
      if (failed !== undefined && now < failed.until) throw failed.error;
      try {
        if (registered === undefined || !(await touchServedDagSet(this.#db, set.key))) await registerServedDagSet(this.#db, set);
      } catch (error) {
        this.#failed.set(set.key, { until: now + SERVED_DAG_SET_RETRY_MS, error });
        throw error;
      }
      this.#failed.delete(set.key);
      this.#registered.set(set.key, now);
    }
    return set.key;
  }

  /** The step function did not find the key (deleted as unused): it is registered again before its next use. */
  forget(key: string): void {
    this.#registered.delete(key);
  }
}

/** The database's clock, in epoch milliseconds. */
const DB_NOW = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** Renews a list's time; false when it is gone. */
async function touchServedDagSet(db: Kysely<Database>, key: string): Promise<boolean> {
  const { numUpdatedRows } = await db.updateTable("served_dag_sets").set({ registered_at: DB_NOW }).where("set_key", "=", key).executeTakeFirst();
  return numUpdatedRows > 0n;
}

/**
 * Registers a list under its key (again: its time renewed, its members as they were), then
 * deletes the lists no store touched for a week. The deletion is a statement of its own, after the
 * registration commits, and skips lists another store holds (registering or touching them): two
 * stores registering at once never wait on each other. A deletion that fails is left to the next
 * registration.
 */
export async function registerServedDagSet(db: Kysely<Database>, set: ServedDagLists): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto("served_dag_sets")
      .values({ set_key: set.key, registered_at: DB_NOW })
      .onConflict((c) => c.column("set_key").doUpdateSet({ registered_at: DB_NOW }))
      .execute();
    await sql`
      insert into served_dag_set_members (set_key, dag_id, wakes)
      select ${set.key}, m.dag_id, m.wakes from unnest(${set.dags}::text[], ${set.wakes}::boolean[]) as m(dag_id, wakes)
      on conflict do nothing`.execute(tx);
  });
  await sql`
    delete from served_dag_sets where set_key in (
      select set_key from served_dag_sets
      where registered_at < ${DB_NOW} - ${SERVED_DAG_SET_KEPT_MS} and set_key <> ${set.key}
      for update skip locked
    )`
    .execute(db)
    .catch(() => undefined);
}
