/**
 * The OpenAPI document and route table of a real API server, built in-process: an in-memory
 * SQLite store, no DAGs, and an admin token to read `/api/v1/openapi.json` as any client would.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateToken, hashSecret } from "../../src/access/tokens.js";
import { createApiServer, type RouteEntry } from "../../src/api/server.js";
import { DagRegistry } from "../../src/scheduler/dag-registry.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { OpenApiDocument } from "./openapi-types.js";

export interface ApiDescription {
  readonly document: OpenApiDocument;
  readonly routeTable: readonly RouteEntry[];
}

export async function loadOpenApi(): Promise<ApiDescription> {
  const dagsDir = await mkdtemp(join(tmpdir(), "tributary-api-reference-"));
  const store = openSqliteStore({ path: ":memory:" });
  try {
    const report = await store.migrate();
    if (report.error) throw report.error;
    const now = new Date();
    const user = await store.access.createUser({ username: "api-reference", role: "admin", passwordHash: null, now });
    const token = generateToken();
    await store.access.createApiToken({ userId: user.id, name: "api-reference", tokenHash: hashSecret(token), now });
    const registry = new DagRegistry(dagsDir);
    await registry.refresh();
    const app = await createApiServer({ store, dags: registry });
    try {
      const response = await app.inject({ method: "GET", url: "/api/v1/openapi.json", headers: { authorization: `Bearer ${token}` } });
      if (response.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json answered ${response.statusCode}: ${response.body}`);
      return { document: response.json<OpenApiDocument>(), routeTable: [...app.routeTable] };
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
    await rm(dagsDir, { recursive: true, force: true });
  }
}
