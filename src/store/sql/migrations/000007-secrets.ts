import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * The encrypted secrets backend (AES-256-GCM: ciphertext, IV and tag as base64 text, never a
 * value in clear), and an index on when tries ended, which the task log retention deletes by.
 */
export const secrets = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = dialect === "postgres" ? "bigint" : "integer";
    await db.schema
      .createTable("secrets")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("ciphertext", "text", (c) => c.notNull())
      .addColumn("iv", "text", (c) => c.notNull())
      .addColumn("tag", "text", (c) => c.notNull())
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("updated_at", big, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("task_tries_by_ended_at").on("task_tries").columns(["ended_at"]).execute();
  },
});
