/** The shapes the admin endpoints answer with (src/api/routes/admin.ts, pools.ts, secrets.ts). Dates are ISO strings. */
import type { Role } from "./types";

export interface User {
  readonly username: string;
  readonly role: Role;
  readonly mustChangePassword: boolean;
  readonly createdAt: string;
  readonly passwordChangedAt: string | null;
}

/** An API token as listed: never its value. */
export interface ApiToken {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** The answer to creating a token: the only time its value is sent. */
export interface CreatedToken extends ApiToken {
  readonly token: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: Record<string, unknown>;
}

export interface Pool {
  readonly name: string;
  /** null: tasks name the pool but nobody configured it (no limit). */
  readonly slots: number | null;
  readonly description: string | null;
  readonly running: number;
  readonly queued: number;
}

export interface SecretSource {
  readonly name: string;
  /** `environment`, `files` or `store`. */
  readonly source: string;
  readonly keyId: string | null;
  readonly updatedAt: string | null;
  /** The backend that holds the same name first (tasks get its value), or null. */
  readonly overriddenBy: string | null;
}

export interface SecretsAnswer {
  readonly secrets: readonly SecretSource[];
  /** Whether this server can store secrets (it has TRIBUTARY_SECRET_KEY), and if not, why. */
  readonly store: { readonly writable: boolean; readonly keyId: string | null; readonly reason: string | null };
}
