/**
 * Issue 15: a 500 says "the server log has the details", so the server log must have them: the
 * error is logged with a request id, and the response body (and header) carries the same id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogFields } from "../../../src/logging/log-fields.js";
import { storeFactory } from "../../conformance/stores.js";
import { startHarness, type ApiHarness } from "./api-harness.js";

describe("internal errors", () => {
  const lines: { message: string; fields: LogFields | undefined }[] = [];
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startHarness(storeFactory("sqlite"), { log: (message, fields) => lines.push({ message, fields }) });
  });
  afterAll(async () => api?.close());

  it("are logged with the request id that the body carries; the body holds nothing else of the error", async () => {
    api.store.listBackfills = () => Promise.reject(new Error("disk on fire at /var/lib/secret-path"));
    const response = await api.request("GET", "/api/v1/backfills", { as: "viewer" });
    expect(response.status).toBe(500);
    const error = (response.body as { error: { code: string; message: string; requestId: string } }).error;
    expect(error).toMatchObject({ code: "internal", requestId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(error.message).toContain(error.requestId);
    expect(JSON.stringify(response.body)).not.toContain("disk on fire");
    expect(response.headers.get("x-request-id")).toBe(error.requestId);
    const logged = lines.find((l) => l.fields?.["requestId"] === error.requestId);
    expect(logged?.fields?.level).toBe("error");
    expect(logged?.message).toContain("GET /api/v1/backfills");
    expect(logged?.message).toContain("disk on fire");
  });

  it("every response names its request id; ids differ", async () => {
    const a = await api.request("GET", "/health");
    const b = await api.request("GET", "/health");
    expect(a.headers.get("x-request-id")).toMatch(/^[0-9a-f]{16}$/);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});
