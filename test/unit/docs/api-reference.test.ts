/**
 * docs/api-reference.md is generated from the OpenAPI document of a real server; this test
 * regenerates it in memory and fails when the committed file no longer matches the routes.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { API_REFERENCE_FILE, generateApiReference } from "../../../scripts/api-reference.js";
import { renderApiReference } from "../../../scripts/api-reference/render-markdown.js";
import type { OpenApiDocument } from "../../../scripts/api-reference/openapi-types.js";

describe("the API reference", () => {
  it("docs/api-reference.md matches the OpenAPI document", async () => {
    const expected = await generateApiReference();
    const committed = await readFile(API_REFERENCE_FILE, "utf8").catch(() => "");
    if (committed !== expected) {
      expect.fail("docs/api-reference.md does not match the API's routes any more. Run `npm run docs:api` and commit the result.");
    }
    // Every route the server registers (but the OpenAPI document itself) has its section and role.
    expect(expected).toContain("### `POST /api/v1/dags/{dagId}/runs`\n\nTrigger a manual run");
    expect(expected).toMatch(/### `DELETE \/api\/v1\/tokens\/\{id\}`[\s\S]*?Role: `admin`/);
  });

  it("renders roles, parameters and body fields with their constraints", () => {
    const document: OpenApiDocument = {
      openapi: "3.1.0",
      info: { title: "Test API", version: "1" },
      paths: {
        "/api/v1/things/{id}": {
          post: {
            summary: "Change a thing | carefully",
            tags: ["things"],
            parameters: [
              { name: "dryRun", in: "query", schema: { type: "boolean", default: false } },
              { name: "id", in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: 10 } },
            ],
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["mode"],
                    properties: {
                      mode: { type: "string", enum: ["a", "b"] },
                      limits: { type: "object", properties: { max: { type: "integer", minimum: 1, maximum: 9 } } },
                      index: { anyOf: [{ type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, { type: "null" }] },
                    },
                  },
                },
              },
            },
          },
        },
      },
    };
    const text = renderApiReference(document, [{ method: "POST", url: "/api/v1/things/:id", access: "operator" }]);
    expect(text).toContain("| [`POST /api/v1/things/{id}`](#post-apiv1thingsid) | operator | Change a thing \\| carefully |");
    expect(text).toContain("## Things\n\n### `POST /api/v1/things/{id}`\n\nChange a thing | carefully.\n\nRole: `operator`");
    // Path parameters come first.
    expect(text).toContain("| `id` | path | string | yes |  | 1 to 10 characters |\n| `dryRun` | query | boolean | no | `false` |");
    expect(text).toContain("| `mode` | string | yes |  | one of `a`, `b` |");
    expect(text).toContain("| `limits.max` | integer | no |  | ≥ 1, ≤ 9 |");
    expect(text).toContain("| `index` | integer (≥ 0) or null | no |  |  |");
  });

  it("refuses an operation the route table does not know (its role would be unknown)", () => {
    const document: OpenApiDocument = { openapi: "3.1.0", info: { title: "T", version: "1" }, paths: { "/x": { get: { summary: "x" } } } };
    expect(() => renderApiReference(document, [])).toThrow("GET /x is in the OpenAPI document but not in the route table");
  });
});
