/** The AccessStore over Kysely, shared by both dialects. */
import { sql, type Kysely, type Selectable } from "kysely";
import { ConflictError } from "../../../core/errors.js";
import type { AccessStore, ApiTokenRecord, AuditEntry, AuditFilter, Role, SessionRecord, UserRecord } from "../../contract/access.js";
import type { Database, SessionTable, UserTable } from "../schema.js";
import type { RunInTransaction, Tx } from "../shared/tx.js";
import { isUniqueViolation } from "../shared/locks.js";
import { toDate, toDateOrNull } from "../shared/rows.js";

const userFromRow = (row: Selectable<UserTable>): UserRecord => ({
  id: Number(row.id),
  username: row.username,
  role: row.role as Role,
  passwordHash: row.password_hash,
  mustChangePassword: Number(row.must_change_password) === 1,
  createdAt: toDate(row.created_at),
  passwordChangedAt: toDateOrNull(row.password_changed_at),
});

const sessionFromRow = (row: Selectable<SessionTable>): SessionRecord => ({
  id: Number(row.id),
  userId: Number(row.user_id),
  csrfToken: row.csrf_token,
  createdAt: toDate(row.created_at),
  expiresAt: toDate(row.expires_at),
  revokedAt: toDateOrNull(row.revoked_at),
});

/**
 * Refuses to take away the last admin: nobody could manage users and tokens after that. On
 * PostgreSQL the admin rows are locked first, so two admins demoting each other at once cannot
 * both succeed (the second sees the first's change once the lock is released).
 */
async function assertAnotherAdmin(tx: Tx, username: string, action: "demote" | "delete", rowLocks: boolean): Promise<void> {
  let query = tx.selectFrom("users").select("username").where("role", "=", "admin").orderBy("id");
  if (rowLocks) query = query.forUpdate();
  const admins = await query.execute();
  if (!admins.some((a) => a.username !== username)) {
    throw new ConflictError(`cannot ${action} "${username}": it is the last admin (make another user admin first)`, { field: "username" });
  }
}

export class SqlAccessStore implements AccessStore {
  readonly #db: Kysely<Database>;
  readonly #tx: RunInTransaction;
  readonly #rowLocks: boolean;

  constructor(db: Kysely<Database>, tx: RunInTransaction, rowLocks: boolean) {
    this.#db = db;
    this.#tx = tx;
    this.#rowLocks = rowLocks;
  }

  async countUsers(): Promise<number> {
    const row = await this.#db.selectFrom("users").select((eb) => eb.fn.countAll().as("n")).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async createUser(input: { username: string; role: Role; passwordHash: string | null; mustChangePassword?: boolean; now: Date }): Promise<UserRecord> {
    try {
      const row = await this.#tx((tx) =>
        tx
          .insertInto("users")
          .values({
            username: input.username,
            role: input.role,
            password_hash: input.passwordHash,
            must_change_password: input.mustChangePassword ? 1 : 0,
            created_at: input.now.getTime(),
            password_changed_at: input.passwordHash === null ? null : input.now.getTime(),
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return userFromRow(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`user "${input.username}" already exists`, { field: "username" });
      throw error;
    }
  }

  async getUser(id: number): Promise<UserRecord | undefined> {
    const row = await this.#db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? userFromRow(row) : undefined;
  }

  async getUserByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.#db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
    return row ? userFromRow(row) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.#db.selectFrom("users").selectAll().orderBy("username").execute()).map(userFromRow);
  }

  async setPassword(username: string, passwordHash: string, now: Date): Promise<boolean> {
    return this.#tx(async (tx) => {
      const user = await tx.selectFrom("users").select("id").where("username", "=", username).executeTakeFirst();
      if (!user) return false;
      await tx
        .updateTable("users")
        .set({ password_hash: passwordHash, must_change_password: 0, password_changed_at: now.getTime() })
        .where("id", "=", user.id)
        .execute();
      // A changed password ends every session opened with the old one.
      await tx.updateTable("sessions").set({ revoked_at: now.getTime() }).where("user_id", "=", user.id).where("revoked_at", "is", null).execute();
      return true;
    });
  }

  async setRole(username: string, role: Role): Promise<boolean> {
    return this.#tx(async (tx) => {
      const user = await tx.selectFrom("users").select(["id", "role"]).where("username", "=", username).executeTakeFirst();
      if (!user) return false;
      if (user.role === "admin" && role !== "admin") await assertAnotherAdmin(tx, username, "demote", this.#rowLocks);
      await tx.updateTable("users").set({ role }).where("id", "=", user.id).execute();
      return true;
    });
  }

  async deleteUser(username: string): Promise<boolean> {
    return this.#tx(async (tx) => {
      const user = await tx.selectFrom("users").select(["id", "role"]).where("username", "=", username).executeTakeFirst();
      if (!user) return false;
      if (user.role === "admin") await assertAnotherAdmin(tx, username, "delete", this.#rowLocks);
      await tx.deleteFrom("sessions").where("user_id", "=", user.id).execute();
      await tx.deleteFrom("api_tokens").where("user_id", "=", user.id).execute();
      await tx.deleteFrom("users").where("id", "=", user.id).execute();
      return true;
    });
  }

  async createApiToken(input: { userId: number; name: string; tokenHash: string; now: Date }): Promise<ApiTokenRecord> {
    const id = await this.#tx(async (tx) => {
      const row = await tx
        .insertInto("api_tokens")
        .values({ user_id: input.userId, name: input.name, token_hash: input.tokenHash, created_at: input.now.getTime(), last_used_at: null, revoked_at: null })
        .returning("id")
        .executeTakeFirstOrThrow();
      return Number(row.id);
    });
    const [token] = await this.#tokens((q) => q.where("api_tokens.id", "=", id));
    if (!token) throw new Error(`token ${id} vanished after it was created`);
    return token;
  }

  async useApiToken(tokenHash: string, now: Date): Promise<ApiTokenRecord | undefined> {
    const [token] = await this.#tokens((q) => q.where("api_tokens.token_hash", "=", tokenHash).where("api_tokens.revoked_at", "is", null));
    if (!token) return undefined;
    // Recording every use would make each API call a write: once a minute is enough to see which tokens live.
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
      await this.#tx((tx) => tx.updateTable("api_tokens").set({ last_used_at: now.getTime() }).where("id", "=", token.id).execute());
    }
    return token;
  }

  async listApiTokens(filter: { userId?: number }): Promise<ApiTokenRecord[]> {
    return this.#tokens((q) => (filter.userId === undefined ? q : q.where("api_tokens.user_id", "=", filter.userId)));
  }

  async revokeApiToken(id: number, now: Date): Promise<boolean> {
    const result = await this.#tx((tx) =>
      tx.updateTable("api_tokens").set({ revoked_at: now.getTime() }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  async createSession(input: { userId: number; sessionHash: string; csrfToken: string; expiresAt: Date; now: Date }): Promise<SessionRecord> {
    const row = await this.#tx((tx) =>
      tx
        .insertInto("sessions")
        .values({
          user_id: input.userId,
          session_hash: input.sessionHash,
          csrf_token: input.csrfToken,
          created_at: input.now.getTime(),
          expires_at: input.expiresAt.getTime(),
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return sessionFromRow(row);
  }

  async findSession(sessionHash: string, now: Date): Promise<SessionRecord | undefined> {
    const row = await this.#db
      .selectFrom("sessions")
      .selectAll()
      .where("session_hash", "=", sessionHash)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", now.getTime())
      .executeTakeFirst();
    return row ? sessionFromRow(row) : undefined;
  }

  async revokeSession(sessionHash: string, now: Date): Promise<void> {
    await this.#tx((tx) => tx.updateTable("sessions").set({ revoked_at: now.getTime() }).where("session_hash", "=", sessionHash).execute());
  }

  async appendAudit(entry: { actor: string; action: string; target?: string | null; details?: Record<string, unknown>; now: Date }): Promise<void> {
    await this.#tx((tx) =>
      tx
        .insertInto("audit_log")
        .values({ at: entry.now.getTime(), actor: entry.actor, action: entry.action, target: entry.target ?? null, details: JSON.stringify(entry.details ?? {}) })
        .execute(),
    );
  }

  async listAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    let query = this.#db.selectFrom("audit_log").selectAll().orderBy("id", "desc").limit(filter.limit ?? 100);
    if (filter.beforeId !== undefined) query = query.where("id", "<", filter.beforeId);
    if (filter.action !== undefined) query = query.where("action", "=", filter.action);
    if (filter.target !== undefined) query = query.where("target", "=", filter.target);
    if (filter.since !== undefined) query = query.where("at", ">=", filter.since.getTime());
    if (filter.until !== undefined) query = query.where("at", "<", filter.until.getTime());
    const actor = filter.actor;
    if (actor !== undefined) {
      // `alice` also matches `alice (token ci)`: a prefix compared exactly (LIKE would treat `_`
      // as a wildcard, and differs in case between the dialects). substr counts characters.
      const qualified = `${actor} (`;
      query = query.where((eb) =>
        eb.or([eb("actor", "=", actor), eb(sql<string>`substr(${sql.ref("actor")}, 1, ${Array.from(qualified).length})`, "=", qualified)]),
      );
    }
    return (await query.execute()).map((row) => ({
      id: Number(row.id),
      at: toDate(row.at),
      actor: row.actor,
      action: row.action,
      target: row.target,
      details: JSON.parse(row.details) as Record<string, unknown>,
    }));
  }

  async #tokens(where: (q: TokenQuery) => TokenQuery): Promise<ApiTokenRecord[]> {
    const rows = await where(tokenQuery(this.#db)).orderBy("api_tokens.id").execute();
    return rows.map((row) => ({
      id: Number(row.id),
      userId: Number(row.user_id),
      username: row.username,
      role: row.role as Role,
      name: row.name,
      createdAt: toDate(row.created_at),
      lastUsedAt: toDateOrNull(row.last_used_at),
      revokedAt: toDateOrNull(row.revoked_at),
    }));
  }
}

function tokenQuery(db: Kysely<Database>) {
  return db
      .selectFrom("api_tokens")
      .innerJoin("users", "users.id", "api_tokens.user_id")
      .select([
        "api_tokens.id",
        "api_tokens.user_id",
        "api_tokens.name",
        "api_tokens.created_at",
        "api_tokens.last_used_at",
        "api_tokens.revoked_at",
        "users.username",
        "users.role",
      ]);
}

type TokenQuery = ReturnType<typeof tokenQuery>;
