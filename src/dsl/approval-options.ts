/**
 * Checks the options that make a task a human approval (`d.approval`, docs/approvals.md) and turns
 * them into its policy: who answers, the form of the answer, how long the run waits and what a
 * timeout does. The wait is a sensor's wait with one wake-up, at the deadline: no poke runs in
 * between, and an answer (API, CLI or UI) ends the wait through the store.
 */
import type { ZodType } from "zod";
import { DagDefinitionError, type ErrorLocation } from "../core/errors.js";
import type { ApprovalPolicy, Approvers, ApprovalTimeout, SensorPolicy } from "../core/types.js";
import { positiveDuration } from "./alert-options.js";
import { formJsonSchema } from "./form-json-schema.js";

/** The option names only an approval has. */
export const APPROVAL_OPTION_NAMES = ["form", "approvers", "timeout", "onTimeout", "description", "notify"] as const;

/** An approval nobody answers fails after a week, like a sensor's default wait. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 7 * 86_400_000;

const ROLE_NAMES = ["viewer", "operator", "admin"] as const;

export interface CheckedApproval {
  readonly policy: ApprovalPolicy;
  /** The same wait as a sensor policy: one wake-up, at the deadline (a timeout skips with `onTimeout: "skip"`). */
  readonly wait: SensorPolicy;
  /** The zod schema answers are checked against (by the API and the CLI, which load the DAG). */
  readonly form: ZodType<unknown>;
}

export function approvalOptions(options: Readonly<Record<string, unknown>>, location: ErrorLocation): CheckedApproval {
  const at = (field: string): ErrorLocation => ({ ...location, field });
  const form = options["form"];
  if (!isObjectSchema(form)) {
    throw new DagDefinitionError("an approval needs `form`: a zod object schema of the answer, e.g. z.object({ approved: z.boolean() })", at("form"));
  }
  const timeoutMs = options["timeout"] === undefined ? DEFAULT_APPROVAL_TIMEOUT_MS : positiveDuration(options["timeout"], at("timeout"));
  const description = options["description"];
  if (description !== undefined && typeof description !== "string") throw new DagDefinitionError("description must be a string", at("description"));
  const notify = options["notify"] ?? true;
  if (typeof notify !== "boolean") throw new DagDefinitionError(`notify must be true or false, got ${JSON.stringify(notify)}`, at("notify"));
  const onTimeout = timeoutOption(options["onTimeout"], form, at("onTimeout"));
  let jsonSchema: Record<string, unknown>;
  try {
    jsonSchema = formJsonSchema(form);
  } catch (error) {
    throw new DagDefinitionError(`the form cannot be drawn as a form: ${error instanceof Error ? error.message : String(error)}`, at("form"));
  }
  return {
    policy: {
      approvers: approversOption(options["approvers"], at("approvers")),
      timeoutMs,
      onTimeout,
      form: jsonSchema,
      ...(description === undefined ? {} : { description }),
      notify,
    },
    wait: { everyMs: timeoutMs, timeoutMs, softFail: onTimeout.kind === "skip" },
    form,
  };
}

/** `"operator"` (the default), `"admin"`, `"viewer"`, or a list of user names. */
function approversOption(value: unknown, location: ErrorLocation): Approvers {
  if (value === undefined) return { role: "operator" };
  if (typeof value === "string") {
    if ((ROLE_NAMES as readonly string[]).includes(value)) return { role: value as (typeof ROLE_NAMES)[number] };
    throw new DagDefinitionError(`approvers must be a role (${ROLE_NAMES.join(", ")}) or a list of user names, got ${JSON.stringify(value)}`, location);
  }
  if (Array.isArray(value) && value.length > 0 && value.every((name) => typeof name === "string" && name.length > 0)) {
    return { users: [...new Set(value as string[])] };
  }
  throw new DagDefinitionError("approvers must be a role (viewer, operator, admin) or a non-empty list of user names", location);
}

/** `"fail"` (the default), `"skip"`, or an answer to succeed with, checked against the form now rather than at the deadline. */
function timeoutOption(value: unknown, form: ZodType<unknown>, location: ErrorLocation): ApprovalTimeout {
  if (value === undefined || value === "fail") return { kind: "fail" };
  if (value === "skip") return { kind: "skip" };
  const parsed = form.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new DagDefinitionError(
      `onTimeout must be "fail", "skip" or a default answer that fits the form; this answer does not${path}: ${issue?.message ?? "invalid"}`,
      location,
    );
  }
  return { kind: "answer", answer: JSON.parse(JSON.stringify(parsed.data)) as unknown };
}

/** A zod object schema, read from zod's internals: the DAG file may hold another copy of zod. */
function isObjectSchema(value: unknown): value is ZodType<unknown> {
  const def = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod?.def;
  return typeof value === "object" && value !== null && def?.type === "object" && typeof (value as { safeParse?: unknown }).safeParse === "function";
}
