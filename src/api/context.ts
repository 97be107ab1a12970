/** What every route handler gets: the store, the DAGs, the clock and the caller. */
import "@fastify/cookie";
import type { TributaryError } from "../core/errors.js";
import type { RegisteredDag } from "../scheduler/dag-registry.js";
import type { Role } from "../store/index.js";
import type { RouteAccess } from "./auth/roles.js";
import type { CredentialChanges } from "./auth/credential-changes.js";
import type { Store } from "../store/index.js";

/** The DAGs the server knows: the DAG registry of this process (files loaded from the DAG folder). */
export interface DagSource {
  get(dagId: string): RegisteredDag | undefined;
  all(): ReadonlyMap<string, RegisteredDag>;
  importErrors(): readonly TributaryError[];
}

export interface Principal {
  readonly userId: number;
  readonly username: string;
  readonly role: Role;
  /** How the caller proved who they are. */
  readonly via: { readonly kind: "token"; readonly tokenName: string } | { readonly kind: "session"; readonly sessionHash: string; readonly csrfToken: string };
  readonly mustChangePassword: boolean;
}

export interface ApiContext {
  readonly store: Store;
  readonly dags: DagSource;
  readonly now: () => Date;
  /** Tells open streams of this process to re-check their credential (a token revoked, a logout...). */
  readonly credentialChanges: CredentialChanges;
}

/** How the audit log names a caller: `alice`, or `alice (token ci)`. */
export function actorOf(principal: Principal | undefined): string {
  if (!principal) return "anonymous";
  return principal.via.kind === "token" ? `${principal.username} (token ${principal.via.tokenName})` : principal.username;
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The least role a caller needs; every route must say (see server.ts). */
    access?: RouteAccess;
  }
}
