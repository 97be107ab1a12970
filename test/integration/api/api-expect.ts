/** Assertions on API responses shared by the API tests. */
import { expect } from "vitest";

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/** The documented error shape `{ error: { code, message, field? } }`, the status, and (when given) the field it names. */
export function expectError(res: ApiResponse, status: number, field?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expectErrorBody(res.body);
  if (field !== undefined) expect((res.body as { error: { field?: unknown } }).error.field, JSON.stringify(res.body)).toBe(field);
}

/** True for `{ error: { code: string, message: string, field?: string, requestId?: string } }` and nothing more. */
export function isErrorBody(body: unknown): boolean {
  if (typeof body !== "object" || body === null || Object.keys(body).join() !== "error") return false;
  const error = (body as { error: unknown }).error;
  if (typeof error !== "object" || error === null) return false;
  const { code, message, field, requestId, ...rest } = error as Record<string, unknown>;
  // requestId: only internal errors carry one (the id of the server's log line).
  return (
    typeof code === "string" &&
    typeof message === "string" &&
    (field === undefined || typeof field === "string") &&
    (requestId === undefined || (code === "internal" && typeof requestId === "string")) &&
    Object.keys(rest).length === 0
  );
}

export function expectErrorBody(body: unknown): void {
  expect(isErrorBody(body), `not an error body: ${JSON.stringify(body)}`).toBe(true);
}
