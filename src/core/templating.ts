/**
 * Templates of shell tasks (docs/architecture.md §5): `{{ ds }}`, `{{ params.region }}`... Each value is escaped
 * for the quoting context its placeholder sits in, so `psql -c "... WHERE date = '{{ ds }}'"`
 * renders to `psql -c "... WHERE date = '2024-03-01'"`, and no value can run as a command.
 * The escaping is for the shell only: a value inside SQL text is still the SQL's business.
 */
import { DagDefinitionError, InvalidInputError, type ErrorLocation } from "./errors.js";
import { shellQuoteContexts, type QuoteContext } from "./shell-quote-context.js";
import { quoteForShell } from "./shell-quote.js";
import { parseTemplate } from "./template-placeholders.js";

/** The values a template can name; `params` are the run's params, reachable as `params.a.b`. */
export interface TemplateValues {
  ds: string;
  ds_nodash: string;
  logical_date: string;
  data_interval_start: string;
  data_interval_end: string;
  run_id: string;
  params: Readonly<Record<string, unknown>>;
  /**
   * `{{ secrets.name }}`: the environment variable that holds each secret the task declared. The
   * value itself never enters the command: the placeholder renders to a reference to the variable,
   * which the shell expands, so the value stays off the command line (and out of `ps`).
   */
  secrets?: Readonly<Record<string, string>>;
}

type BuiltinName = Exclude<keyof TemplateValues, "params" | "secrets">;

const BUILTIN_NAMES: readonly BuiltinName[] = [
  "ds",
  "ds_nodash",
  "logical_date",
  "data_interval_start",
  "data_interval_end",
  "run_id",
];

/** The variable names a template uses (`ds`, `params.region`), each once, in order of first use. */
export function templateVariables(template: string, location: ErrorLocation = {}): string[] {
  const names = new Set<string>();
  for (const segment of parseTemplate(template, location)) {
    if (segment.kind === "placeholder") names.add(segment.name);
  }
  return [...names];
}

/**
 * The load-time check of a shell template: its placeholders are well-formed, name known variables
 * (and, when `paramNames` is given, known params), and sit where a value can be quoted safely.
 */
export function assertTemplateVariables(
  template: string,
  location: ErrorLocation,
  paramNames?: Iterable<string>,
  secretNames?: Iterable<string>,
): void {
  const params = paramNames === undefined ? undefined : new Set(paramNames);
  const secrets = secretNames === undefined ? undefined : new Set(secretNames);
  const segments = parseTemplate(template, location);
  for (const segment of segments) {
    if (segment.kind === "placeholder") checkName(segment.name, location, params, secrets);
  }
  shellQuoteContexts(segments, location);
}

/** Renders a shell template, each value escaped for the quoting context of its placeholder. */
export function renderShellTemplate(template: string, values: TemplateValues, location: ErrorLocation): string {
  const segments = parseTemplate(template, location);
  const contexts = shellQuoteContexts(segments, location);
  let placeholder = 0;
  return segments
    .map((segment) => {
      if (segment.kind === "text") return segment.text;
      checkName(segment.name, location);
      const context = contexts[placeholder++] ?? "unquoted";
      if (segment.name.startsWith("secrets.")) return secretReference(segment.name, values, location, context);
      const value = stringify(resolve(segment.name, values, location));
      if (value.includes("\0")) {
        throw new InvalidInputError(`template variable "${segment.name}" contains a NUL character, which a shell command cannot hold`, location);
      }
      return quoteForShell(value, context);
    })
    .join("");
}

function checkName(name: string, location: ErrorLocation, paramNames?: ReadonlySet<string>, secretNames?: ReadonlySet<string>): void {
  const [head, param, ...rest] = name.split(".");
  if (head === "secrets") {
    if (param === undefined || rest.length > 0) {
      throw new DagDefinitionError(`invalid template variable "${name}": expected secrets.<name>`, location);
    }
    if (secretNames !== undefined && !secretNames.has(param)) {
      throw new DagDefinitionError(
        `template variable "${name}" names a secret the task does not declare: add "${param}" to its secrets option`,
        location,
      );
    }
    return;
  }
  if (head === "params") {
    if (param !== undefined && paramNames !== undefined && !paramNames.has(param)) {
      const known = [...paramNames].join(", ") || "none";
      throw new DagDefinitionError(`unknown template variable "${name}": the DAG's params are ${known}`, location);
    }
    return;
  }
  if (param === undefined && BUILTIN_NAMES.some((builtin) => builtin === head)) return;
  throw new DagDefinitionError(
    `unknown template variable "${name}": expected one of ${BUILTIN_NAMES.join(", ")}, params.<name> or secrets.<name>`,
    location,
  );
}

function resolve(name: string, values: TemplateValues, location: ErrorLocation): unknown {
  const [head, ...path] = name.split(".");
  if (head !== "params") return values[head as BuiltinName];
  let current: unknown = values.params;
  for (const [depth, key] of path.entries()) {
    // Own properties only: `params.constructor` must not reach Object's prototype.
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key)) {
      const parent = ["params", ...path.slice(0, depth)].join(".");
      throw new DagDefinitionError(`template variable "${name}" has no value: ${parent} has no "${key}"`, location);
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A reference to the variable holding a secret, expanded by the shell in the placeholder's context. */
function secretReference(name: string, values: TemplateValues, location: ErrorLocation, context: QuoteContext): string {
  const secret = name.slice("secrets.".length);
  const variable = values.secrets?.[secret];
  if (variable === undefined) {
    throw new DagDefinitionError(
      `template variable "${name}" names a secret the task does not declare: add "${secret}" to its secrets option`,
      location,
    );
  }
  switch (context) {
    case "unquoted":
      return `"\${${variable}}"`;
    case "double":
      return `\${${variable}}`;
    case "single":
      // Close the single quotes, expand in double quotes, reopen.
      return `'"\${${variable}}"'`;
    case "comment":
      return "";
  }
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? "";
}
