/**
 * The lists of DAGs a worker's claims serve, registered in the store once per list (migration
 * 000022), so that PostgreSQL's step function takes a list's key instead of the list. A claim
 * names every DAG its worker serves and those whose due waits it wakes: a service's worker serves
 * every DAG of its folder, and two lists of 3,000 names in each step's argument, sent, parsed and
 * hashed at every step, made a chain's step 1.1 ms dearer than with one DAG served.
 *
 * A list's key is a hash of both lists, made once per list: a worker's claims share their lists
 * until its DAGs change (worker.ts hands out new arrays then, and `wakeDagsOf` keeps one per pair).
 * A store registers a key before its first step with it and remembers that it did. Lists no worker
 * registered for a week are deleted when another is registered; a worker still using one then
 * hears from the step function that its key is unknown (`UNKNOWN_DAG_SET`), and registers it again
 * before its next step, that step going through the statements' path.
 */
import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Database } from "../sql/schema.js";

/** A list no worker registered for this long is deleted when another list is registered. */
export const SERVED_DAG_SET_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

/** The step function's reason for a key it does not find (step-function-sql.ts). */
export const UNKNOWN_DAG_SET = "an unknown DAG set";

const keys = new WeakMap<readonly string[], { readonly wake: readonly string[]; readonly key: string }>();

/** The key of the lists `dags` (every DAG served) and `wake` (those whose due waits the claim wakes). */
export function servedDagSetKey(dags: readonly string[], wake: readonly string[]): string {
  const kept = keys.get(dags);
  if (kept?.wake === wake) return kept.key;
  const key = createHash("sha256").update(JSON.stringify([dags, wake])).digest("base64url");
  keys.set(dags, { wake, key });
  return key;
}

/** A store's registrations: the keys it registered, each once until told it is gone. */
export class ServedDagSets {
  readonly #db: Kysely<Database>;
  readonly #registered = new Set<string>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The lists' key, registered first if this store has not registered it. */
  async keyOf(dags: readonly string[], wake: readonly string[], now: number): Promise<string> {
    const key = servedDagSetKey(dags, wake);
    if (!this.#registered.has(key)) {
      await registerServedDagSet(this.#db, key, dags, wake, now);
      this.#registered.add(key);
    }
    return key;
  }

  /** The step function did not find the key (deleted as unused): it is registered again before its next use. */
  forget(key: string): void {
    this.#registered.delete(key);
  }
}

/**
 * Registers a list under its key (again: its time renewed, its members as they were) and deletes
 * the lists no worker registered for a week, in one transaction. Stores registering the same
 * list together each insert what is missing.
 */
export async function registerServedDagSet(db: Kysely<Database>, key: string, dags: readonly string[], wake: readonly string[], now: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto("served_dag_sets")
      .values({ set_key: key, registered_at: now })
      .onConflict((c) => c.column("set_key").doUpdateSet({ registered_at: now }))
      .execute();
    await sql`
      insert into served_dag_set_members (set_key, dag_id, wakes)
      select ${key}, d.dag_id, d.dag_id = any(${[...wake]}::text[]) from unnest(${[...dags]}::text[]) as d(dag_id)
      on conflict do nothing`.execute(tx);
    await tx.deleteFrom("served_dag_sets").where("registered_at", "<", now - SERVED_DAG_SET_KEPT_MS).where("set_key", "<>", key).execute();
  });
}
