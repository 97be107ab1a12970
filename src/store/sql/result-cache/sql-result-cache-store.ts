/** The ResultCacheStore over Kysely, shared by both dialects. */
import type { Kysely } from "kysely";
import type { CachedResultRecord, ResultCacheStore } from "../../contract/result-cache.js";
import type { Database } from "../schema.js";
import { toDate } from "../shared/rows.js";

export class SqlResultCacheStore implements ResultCacheStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async find(input: { dagId: string; taskId: string; key: string; now: Date }): Promise<CachedResultRecord | undefined> {
    const row = await this.#db
      .selectFrom("task_result_cache")
      .selectAll()
      .where("dag_id", "=", input.dagId)
      .where("task_id", "=", input.taskId)
      .where("cache_key", "=", input.key)
      .where("expires_at", ">", input.now.getTime())
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      dagId: row.dag_id,
      taskId: row.task_id,
      key: row.cache_key,
      result: JSON.parse(row.result) as unknown,
      runId: row.run_id,
      storedAt: toDate(row.stored_at),
      expiresAt: toDate(row.expires_at),
    };
  }

  async invalidate(input: { dagId: string; taskId?: string }): Promise<number> {
    let query = this.#db.deleteFrom("task_result_cache").where("dag_id", "=", input.dagId);
    if (input.taskId !== undefined) query = query.where("task_id", "=", input.taskId);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
