/**
 * A real API server for tests: a fresh store (SQLite file or a PostgreSQL schema), the DAGs of
 * test/fixtures/api-dags, a listening HTTP server on a free port, and one user with a token per
 * role. Requests go through real HTTP (fetch).
 */
import { fileURLToPath } from "node:url";
import { createApiServer, type RouteEntry } from "../../../src/api/server.js";
import type { SecretSettings } from "../../../src/api/routes/secrets.js";
import type { TrustProxy } from "../../../src/api/trust-proxy.js";
import type { LogFn } from "../../../src/logging/log-fields.js";
import { hashPassword } from "../../../src/access/passwords.js";
import { generateToken, hashSecret } from "../../../src/access/tokens.js";
import { DagRegistry } from "../../../src/scheduler/dag-registry.js";
import type { Role } from "../../../src/store/index.js";
import type { Store } from "../../../src/store/index.js";
import type { StoreFactory, StorePlace } from "../../conformance/stores.js";

export const API_DAGS = fileURLToPath(new URL("../../fixtures/api-dags", import.meta.url));
export const PASSWORD = "correct horse battery";

/**
 * Shared by every harness of this process, because they cost CPU and the tests only read them:
 * the registry of API_DAGS (a load starts an import-check thread, about a quarter of a
 * CPU-second) and one scrypt hash of PASSWORD for every user (30-50 ms each; a login verifies any
 * hash of the password alike). A harness on a folder of its own loads its own registry.
 */
let apiDagsRegistry: Promise<DagRegistry> | undefined;
let passwordHash: Promise<string> | undefined;

async function loadRegistry(dagsDir: string): Promise<DagRegistry> {
  const registry = new DagRegistry(dagsDir);
  await registry.refresh();
  return registry;
}

export interface ApiHarness {
  readonly base: string;
  readonly store: Store;
  /** Where the store is, in its factory's form (test/conformance/stores.ts), for other processes to open. */
  readonly storeAddress: string;
  readonly registry: DagRegistry;
  readonly tokens: Readonly<Record<Role, string>>;
  readonly routeTable: readonly RouteEntry[];
  /** A JSON request; `as` picks the role's token (none: no credentials). */
  request(method: string, path: string, options?: { body?: unknown; as?: Role; headers?: Record<string, string> }): Promise<{ status: number; body: unknown; headers: Headers }>;
  close(): Promise<void>;
}

export async function startHarness(
  factory: StoreFactory,
  options: { dagsDir?: string; loginRateLimit?: number; trustProxy?: TrustProxy; log?: LogFn; streamRecheckMs?: number; secrets?: SecretSettings } = {},
): Promise<ApiHarness> {
  const place: StorePlace = await factory.create();
  const store = factory.open(place.address);
  const report = await store.migrate();
  if (report.error) throw report.error;
  const registry = await (options.dagsDir === undefined ? (apiDagsRegistry ??= loadRegistry(API_DAGS)) : loadRegistry(options.dagsDir));
  const now = new Date();
  for (const entry of registry.all().values()) await store.upsertDag({ dagId: entry.dag.id, file: entry.file, graph: entry.dag.graph, now });
  const tokens = {} as Record<Role, string>;
  for (const role of ["viewer", "operator", "admin"] as const) {
    const user = await store.access.createUser({ username: role, role, passwordHash: await (passwordHash ??= hashPassword(PASSWORD)), now });
    tokens[role] = generateToken();
    await store.access.createApiToken({ userId: user.id, name: `${role}-token`, tokenHash: hashSecret(tokens[role]), now });
  }
  const app = await createApiServer({ store, dags: registry, loginRateLimit: options.loginRateLimit ?? 1_000, streamPollMs: 50, streamRecheckMs: options.streamRecheckMs, trustProxy: options.trustProxy, log: options.log, secrets: options.secrets, strictResponses: true });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    base: address,
    store,
    storeAddress: place.address,
    registry,
    tokens,
    routeTable: app.routeTable,
    async request(method, path, { body, as, headers = {} } = {}) {
      const response = await fetch(`${address}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await app.close();
      await store.close();
      await place.dispose();
    },
  };
}
