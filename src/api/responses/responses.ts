/**
 * What the API answers with: one zod schema per shape, in this folder by area, shared by every
 * route that sends it. The OpenAPI document is generated from them (each `.meta({ id })` is a
 * named component; the UI's types are generated from those: ui/src/api/openapi.d.ts), and the
 * server serialises answers through them (../response-serializer.ts), so a schema must say exactly
 * what a handler sends: a field it leaves out is stripped from the answer, a value it does not
 * allow is a 500.
 *
 * Timestamps are `Date`s in the handlers and ISO 8601 strings on the wire (`z.date()` is
 * documented as a `date-time` string). Nullable (`null` when unknown) and optional (absent) differ.
 *
 * This file: the pieces every area uses, the shared error body, and `responses()`, which builds a
 * route's `response` schema.
 */
import { z } from "zod";

/** A moment: a `Date` in the handler, an ISO 8601 string in the answer. */
export const timestamp = z.date();
/** A JSON object of any fields (params, metadata, audit details). */
export const json = z.record(z.string(), z.unknown());

// ---- errors -------------------------------------------------------------------------------------

export const errorDetail = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
  /** Only on internal errors (500). */
  requestId: z.string().optional(),
});
export const errorBody = z.object({ error: errorDetail }).meta({ id: "Error", description: "Every error: a stable code, a message, and the field it is about" });

const ERROR_DESCRIPTIONS = {
  400: "Invalid input (the field is named)",
  401: "No valid credentials",
  403: "The caller's role does not allow it (or a one-time password must be changed first)",
  404: "Not found",
  409: "Conflicts with the current state",
  422: "Well-formed but refused (params that fail the DAG's schema, a backfill too large)",
  429: "Too many attempts",
} as const;
export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** An error status as documented: its description, and the shared body (a reference to `Error`). */
const errorResponse = (status: ErrorStatus) => ({ description: ERROR_DESCRIPTIONS[status], content: { "application/json": { schema: errorBody } } });

/** What a status says, for answers whose schema has no description of its own. */
const ANSWER_DESCRIPTIONS: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  202: "Accepted: what it started is in the answer",
  204: "Done; no body",
  503: "Unavailable",
};

/**
 * A route's `response` schema: its answers (a zod schema each, or a `textResponse`) and the error
 * statuses it can return, each with the shared error body. Every authenticated route can answer
 * 401 and 403; pass them too.
 */
export function responses<S extends Record<number, unknown>, E extends ErrorStatus>(answers: S, ...errors: readonly E[]): S & Record<E, ReturnType<typeof errorResponse>> {
  const all: Record<number, unknown> = {};
  for (const [status, answer] of Object.entries(answers)) all[Number(status)] = describeAnswer(Number(status), answer);
  for (const status of errors) all[status] = errorResponse(status);
  return all as S & Record<E, ReturnType<typeof errorResponse>>;
}

/** A JSON answer as the document shows it: its status's description and the schema (a reference to the named one). */
function describeAnswer(status: number, answer: unknown): unknown {
  if (!(answer instanceof z.ZodType) || status === 204) return answer;
  const description = z.globalRegistry.get(answer)?.description ?? ANSWER_DESCRIPTIONS[status] ?? "OK";
  return { description, content: { "application/json": { schema: answer } } };
}

/** The errors of every route that needs a credential: none (401), or one whose role is too low (403). */
export const AUTH_ERRORS = [401, 403] as const satisfies readonly ErrorStatus[];

/** An answer with no body (204). */
export const noContent = z.undefined().describe("No content");

/** A non-JSON answer (a text file, an event stream): documented with its content type, never serialised by zod. */
export const textResponse = (contentType: string, description: string) => ({ description, content: { [contentType]: { schema: z.string() } } });
