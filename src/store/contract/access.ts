/**
 * The access part of the store (docs/architecture.md §8): users, API tokens, UI sessions and the audit log.
 * Secrets (passwords, tokens, session ids) never reach it in plain text: callers hash them first
 * (src/api/auth), so a copy of the database grants nothing.
 */
export type Role = "viewer" | "operator" | "admin";
export const ROLES: readonly Role[] = ["viewer", "operator", "admin"];

export interface UserRecord {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly passwordHash: string | null;
  /** Set for the first admin's generated one-time password: it must be changed before use. */
  readonly mustChangePassword: boolean;
  readonly createdAt: Date;
  readonly passwordChangedAt: Date | null;
}

export interface ApiTokenRecord {
  readonly id: number;
  readonly userId: number;
  readonly username: string;
  readonly role: Role;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface SessionRecord {
  readonly id: number;
  readonly userId: number;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  /** `alice` (a UI session), `alice (token ci)` (an API token), or `cli (<os user>)` for local commands. */
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: Record<string, unknown>;
}

/** Which audit entries to list: every field narrows the list; latest first. */
export interface AuditFilter {
  readonly limit?: number;
  /** Entries older than this id (paging: the last id of the previous page). */
  readonly beforeId?: number;
  readonly action?: string;
  /**
   * An exact actor, or a name that also matches the actors it qualifies: `alice` matches `alice`
   * and `alice (token ci)`, `cli` matches `cli (<os user>)`.
   */
  readonly actor?: string;
  readonly target?: string;
  /** From this time on (included). */
  readonly since?: Date;
  /** Before this time (excluded). */
  readonly until?: Date;
}

export interface AccessStore {
  countUsers(): Promise<number>;
  /** Creates a user; throws ConflictError when the name is taken. */
  createUser(input: { username: string; role: Role; passwordHash: string | null; mustChangePassword?: boolean; now: Date }): Promise<UserRecord>;
  getUser(id: number): Promise<UserRecord | undefined>;
  getUserByName(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /** Sets a new password hash and revokes every session of the user. False when the user is unknown. */
  setPassword(username: string, passwordHash: string, now: Date): Promise<boolean>;
  /** False when the user is unknown; ConflictError when it would leave no admin. */
  setRole(username: string, role: Role): Promise<boolean>;
  /** Deletes a user with their tokens and sessions; ConflictError for the last admin. */
  deleteUser(username: string): Promise<boolean>;

  createApiToken(input: { userId: number; name: string; tokenHash: string; now: Date }): Promise<ApiTokenRecord>;
  /** The live (not revoked) token with this hash, with its user; records its use. */
  useApiToken(tokenHash: string, now: Date): Promise<ApiTokenRecord | undefined>;
  listApiTokens(filter: { userId?: number }): Promise<ApiTokenRecord[]>;
  revokeApiToken(id: number, now: Date): Promise<boolean>;

  createSession(input: { userId: number; sessionHash: string; csrfToken: string; expiresAt: Date; now: Date }): Promise<SessionRecord>;
  /** The live session with this hash (not revoked, not expired). */
  findSession(sessionHash: string, now: Date): Promise<SessionRecord | undefined>;
  revokeSession(sessionHash: string, now: Date): Promise<void>;

  appendAudit(entry: { actor: string; action: string; target?: string | null; details?: Record<string, unknown>; now: Date }): Promise<void>;
  listAudit(filter: AuditFilter): Promise<AuditEntry[]>;
}
