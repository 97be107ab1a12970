import { sql, type Kysely, type Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Access (docs/architecture.md §8): users with password hashes, API tokens and UI sessions stored only as
 * SHA-256 hashes of their secrets, and the audit log of who did what.
 */
export const access = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = dialect === "postgres";
    const id = pg ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
    const big = pg ? "bigint" : "integer";

    await db.schema
      .createTable("users")
      .addColumn("id", id)
      .addColumn("username", "text", (c) => c.notNull().unique())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("password_hash", "text")
      .addColumn("must_change_password", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", big, (c) => c.notNull())
      .addColumn("password_changed_at", big)
      .execute();

    await db.schema
      .createTable("api_tokens")
      .addColumn("id", id)
      .addColumn("user_id", big, (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("created_at", big, (c) => c.notNull())
      .addColumn("last_used_at", big)
      .addColumn("revoked_at", big)
      .execute();

    await db.schema
      .createTable("sessions")
      .addColumn("id", id)
      .addColumn("user_id", big, (c) => c.notNull())
      .addColumn("session_hash", "text", (c) => c.notNull().unique())
      .addColumn("csrf_token", "text", (c) => c.notNull())
      .addColumn("created_at", big, (c) => c.notNull())
      .addColumn("expires_at", big, (c) => c.notNull())
      .addColumn("revoked_at", big)
      .execute();
    await db.schema.createIndex("sessions_by_user").on("sessions").columns(["user_id"]).execute();

    await db.schema
      .createTable("audit_log")
      .addColumn("id", id)
      .addColumn("at", big, (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("target", "text")
      .addColumn("details", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("audit_log_by_time").on("audit_log").columns(["at"]).execute();
  },
});
