/**
 * Every error leaves the API as `{ "error": { "code", "message", "field"? } }` with the status
 * that says what went wrong; nothing else (no stack traces, no SQL) reaches a client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { TributaryError, type ErrorCode } from "../core/errors.js";
import type { LogFn } from "../logging/log-fields.js";

export interface ErrorBody {
  /** `requestId` only on internal errors (500): the id under which the server logged the details. */
  readonly error: { readonly code: string; readonly message: string; readonly field?: string; readonly requestId?: string };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export const unauthenticated = (message = "authentication required: send `Authorization: Bearer <token>` or log in") =>
  new ApiError(401, "unauthenticated", message);
export const forbidden = (message: string) => new ApiError(403, "forbidden", message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const conflict = (message: string) => new ApiError(409, "conflict", message);
export const badRequest = (message: string, field?: string) => new ApiError(400, "invalid_input", message, field);

const BY_CODE: Readonly<Record<ErrorCode, { status: number; code: string }>> = {
  DAG_INVALID: { status: 400, code: "invalid_input" },
  DAG_IMPORT_FAILED: { status: 400, code: "invalid_input" },
  DAG_NOT_FOUND: { status: 404, code: "not_found" },
  PARAMS_INVALID: { status: 422, code: "params_invalid" },
  INVALID_TRANSITION: { status: 409, code: "conflict" },
  NOT_FOUND: { status: 404, code: "not_found" },
  CONFLICT: { status: 409, code: "conflict" },
  INVALID_INPUT: { status: 400, code: "invalid_input" },
  RESULT_TOO_LARGE: { status: 400, code: "invalid_input" },
  BACKFILL_TOO_LARGE: { status: 422, code: "backfill_too_large" },
};

/** The status and body for any error a handler threw. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  const body = (status: number, code: string, message: string, field?: string) => ({
    status,
    body: { error: field === undefined ? { code, message } : { code, message, field } },
  });
  if (error instanceof ApiError) return body(error.status, error.code, error.message, error.field);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issue = error.validation[0];
    const path = (issue?.instancePath ?? "").split("/").filter((p) => p !== "");
    const context = error.validationContext ?? "body";
    // A field of the body is named by its path (`params.region`); of the query or URL, with that prefix.
    const field = [context === "body" ? undefined : context, ...path].filter((p) => p !== undefined).join(".");
    const where = field === "" ? context : field;
    return body(400, "invalid_input", `${where}: ${issue?.message ?? "invalid value"}`, where);
  }
  if (error instanceof TributaryError) {
    const mapped = BY_CODE[error.code];
    return body(mapped.status, mapped.code, error.describe(), error.location.field);
  }
  // PostgreSQL refuses NUL characters in text and JSON (22021, 22P05): bad input, not a server fault.
  const sqlState = (error as { code?: unknown } | null)?.code;
  if (sqlState === "22021" || sqlState === "22P05") return body(400, "invalid_input", "text must not contain NUL characters");
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === "number" && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, body too large, rate limit.
    const code = fastifyError.statusCode === 429 ? "rate_limited" : fastifyError.statusCode === 413 ? "too_large" : "invalid_input";
    return body(fastifyError.statusCode, code, fastifyError.message ?? "bad request");
  }
  return body(500, "internal", "internal error; the server log has the details");
}

/**
 * The error handler of a server: 4xx answers say what was wrong; a 5xx is logged whole (message,
 * stack, cause) under the request's id, and the body carries only that id to quote.
 */
export function errorHandler(log: LogFn): (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, request, reply) => {
    const response = errorResponse(error);
    if (response.status < 500) return reply.status(response.status).send(response.body);
    const requestId = request.id;
    log(`request ${requestId} failed: ${request.method} ${request.url.split("?")[0] ?? ""}: ${describeInternal(error)}`, { level: "error", requestId });
    const { code } = response.body.error;
    return reply.status(response.status).send({ error: { code, message: `internal error; the server log has the details (request id ${requestId})`, requestId } });
  };
}

function describeInternal(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? "" : `\ncaused by: ${describeInternal(error.cause)}`;
  return `${error.stack ?? `${error.name}: ${error.message}`}${cause}`;
}
