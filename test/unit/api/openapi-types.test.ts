/**
 * The UI's API types (ui/src/api/openapi.d.ts) are generated from the OpenAPI document; this test
 * regenerates them and fails when the committed file no longer matches the routes, and checks the
 * document describes every answer: an operationId, response schemas and the real status codes.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { API_TYPES_FILE, generateApiTypes } from "../../../scripts/api-types.js";
import { loadOpenApi } from "../../../scripts/api-reference/load-openapi.js";
import type { OpenApiDocument, OpenApiOperation } from "../../../scripts/api-reference/openapi-types.js";

const METHODS = ["get", "post", "put", "patch", "delete"];

describe("the OpenAPI document's answers", () => {
  let document: OpenApiDocument;
  const operations: { name: string; op: OpenApiOperation }[] = [];

  beforeAll(async () => {
    ({ document } = await loadOpenApi());
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const op = methods[method];
        if (op !== undefined) operations.push({ name: `${method.toUpperCase()} ${path}`, op });
      }
    }
  }, 60_000);

  it("ui/src/api/openapi.d.ts matches the document", async () => {
    const expected = await generateApiTypes();
    const committed = await readFile(API_TYPES_FILE, "utf8").catch(() => "");
    if (committed !== expected) {
      expect.fail("ui/src/api/openapi.d.ts does not match the API's routes any more. Run `npm run api:types` and commit the result.");
    }
  }, 60_000);

  it("gives every operation a unique operationId and a success answer", () => {
    expect(operations.length).toBeGreaterThan(50);
    const ids = operations.map(({ op }) => op.operationId);
    expect(operations.filter(({ op }) => op.operationId === undefined).map(({ name }) => name)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const withoutSuccess = operations.filter(({ op }) => !Object.keys(op.responses ?? {}).some((status) => status.startsWith("2")));
    expect(withoutSuccess.map(({ name }) => name)).toEqual([]);
  });

  it("documents every JSON answer with a schema, and every error with the shared Error body", () => {
    const missing: string[] = [];
    for (const { name, op } of operations) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (status === "204") continue;
        const media = Object.values(response.content ?? {});
        if (media.length === 0 || media.some((m) => m.schema === undefined)) missing.push(`${name} ${status}`);
        if (status.startsWith("4") && response.content?.["application/json"]?.schema?.$ref !== "#/components/schemas/Error") missing.push(`${name} ${status} (not Error)`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("documents the real status codes: 201 for a triggered run, 204 for a deletion, 401 for a route that needs credentials", () => {
    const op = (method: string, path: string) => document.paths[path]?.[method]?.responses ?? {};
    expect(Object.keys(op("post", "/api/v1/dags/{dagId}/runs"))).toEqual(expect.arrayContaining(["201", "404", "422"]));
    expect(op("post", "/api/v1/dags/{dagId}/runs")["200"]).toBeUndefined();
    expect(op("post", "/api/v1/dags/{dagId}/runs")["201"]?.content?.["application/json"]?.schema?.$ref).toBe("#/components/schemas/Run");
    expect(Object.keys(op("delete", "/api/v1/users/{username}"))).toContain("204");
    expect(Object.keys(op("post", "/api/v1/events"))).toContain("202");
    expect(op("get", "/api/v1/runs/{runId}/tasks/{taskId}/logs/download")["200"]?.content?.["text/plain"]).toBeDefined();
    expect(op("get", "/api/v1/stream")["200"]?.content?.["text/event-stream"]).toBeDefined();
    expect(op("get", "/api/v1/runs")["401"]).toBeDefined();
  });
});
