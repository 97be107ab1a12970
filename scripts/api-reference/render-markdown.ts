/**
 * Renders the API reference (docs/api-reference.md) from the OpenAPI document and the server's
 * route table: per tag, each operation with the role it needs, its parameters and its request
 * body fields. Pure: the same inputs always give the same text, so a test can detect a stale file.
 */
import type { RouteEntry } from "../../src/api/server.js";
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter, OpenApiResponse } from "./openapi-types.js";

/** How tags are titled; a tag not listed here is shown with a capital letter. */
const TAG_TITLES: Readonly<Record<string, string>> = {
  auth: "Authentication",
  dags: "DAGs",
  runs: "DAG runs",
  "task instances": "Task instances",
  admin: "Users, tokens and audit",
  live: "Live updates",
};

const METHOD_ORDER = ["get", "post", "put", "patch", "delete"];
const PARAMETER_ORDER = ["path", "query", "header", "cookie"];

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly role: string;
  readonly op: OpenApiOperation;
}

export function renderApiReference(document: OpenApiDocument, routeTable: readonly RouteEntry[]): string {
  const roles = new Map(routeTable.map((route) => [`${route.method} ${openApiPath(route.url)}`, route.access]));
  const byTag = new Map<string, Operation[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const method of METHOD_ORDER) {
      const op = methods[method];
      if (op === undefined) continue;
      const role = roles.get(`${method.toUpperCase()} ${path}`);
      if (role === undefined) throw new Error(`${method.toUpperCase()} ${path} is in the OpenAPI document but not in the route table`);
      const tag = op.tags?.[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method: method.toUpperCase(), path, role, op }]);
    }
  }

  const lines: string[] = [
    "<!-- Generated from the OpenAPI document by `npm run docs:api` (scripts/api-reference.ts). Do not edit: run it again. -->",
    "",
    `# ${document.info.title} reference`,
    "",
    "Every endpoint of the REST API, generated from the OpenAPI document the server serves at",
    "`GET /api/v1/openapi.json` (itself generated from the zod schemas that validate requests).",
    "Authentication, roles, errors, live updates and events are explained in [api.md](api.md).",
    "",
    "- **Role** is the least role a caller needs (`viewer` < `operator` < `admin`); `public` needs no credentials.",
    "- Request bodies are JSON; fields not listed are rejected with `400 invalid_input`, naming the field.",
    "- Constraints are checked before the handler runs; a value that breaks one is a `400 invalid_input`.",
    "- **Answers** lists each status code with the schema of its body, as named in the OpenAPI document's `components.schemas`;",
    "  every error has the shared `Error` body, `{ \"error\": { \"code\", \"message\", \"field\"? } }`.",
    "",
    "| endpoint | role | summary |",
    "| --- | --- | --- |",
  ];
  const anchors = new Anchors();
  for (const title of [...byTag.keys()].map(tagTitle)) anchors.take(title);
  for (const operations of byTag.values()) {
    for (const { method, path, role, op } of operations) {
      lines.push(`| [\`${method} ${path}\`](#${anchors.take(`${method} ${path}`)}) | ${role} | ${cell(op.summary ?? "")} |`);
    }
  }
  for (const [tag, operations] of byTag) {
    lines.push("", `## ${tagTitle(tag)}`);
    for (const operation of operations) lines.push("", ...renderOperation(operation));
  }
  return `${lines.join("\n")}\n`;
}

function renderOperation({ method, path, role, op }: Operation): string[] {
  const lines = [`### \`${method} ${path}\``, ""];
  if (op.summary) lines.push(text(sentence(op.summary)), "");
  if (op.description && op.description !== op.summary) lines.push(text(op.description), "");
  lines.push(`Role: \`${role}\``);
  if (op.responses !== undefined) lines.push("", `Answers: ${describeResponses(op.responses)}`);
  const parameters = [...(op.parameters ?? [])].sort((a, b) => PARAMETER_ORDER.indexOf(a.in) - PARAMETER_ORDER.indexOf(b.in));
  if (parameters.length > 0) {
    lines.push("", "| parameter | in | type | required | default | constraints |", "| --- | --- | --- | --- | --- | --- |");
    for (const parameter of parameters) lines.push(parameterRow(parameter));
  }
  const body = op.requestBody?.content?.["application/json"]?.schema;
  if (body !== undefined) {
    const optional = op.requestBody?.required !== true || body.default !== undefined;
    lines.push("", optional ? "Request body (JSON, may be omitted):" : "Request body (JSON):");
    const fields = bodyFields(body, "");
    if (fields.length === 0) {
      lines.push("", `A ${describeType(body)}${describeConstraints(body) ? ` (${describeConstraints(body)})` : ""}.`);
    } else {
      lines.push("", "| field | type | required | default | constraints |", "| --- | --- | --- | --- | --- |", ...fields);
    }
  }
  return lines;
}

/** `200` with its schema's name (or content type), `204` with nothing, then the error statuses (all the shared `Error` body). */
function describeResponses(responses: Readonly<Record<string, OpenApiResponse>>): string {
  const statuses = Object.keys(responses).sort();
  const answers = statuses.filter((status) => !status.startsWith("4")).map((status) => `\`${status}\` ${describeAnswer(responses[status] ?? {})}`);
  const errors = statuses.filter((status) => status.startsWith("4")).map((status) => `\`${status}\``);
  return [...answers, ...(errors.length > 0 ? [`errors ${errors.join(", ")}`] : [])].join("; ");
}

function describeAnswer(response: OpenApiResponse): string {
  const [contentType, media] = Object.entries(response.content ?? {})[0] ?? [];
  if (contentType === undefined) return "(no body)";
  const name = media?.schema?.$ref?.split("/").at(-1);
  if (contentType !== "application/json") return contentType;
  return name === undefined ? "JSON" : `\`${name}\``;
}

function parameterRow(parameter: OpenApiParameter): string {
  const schema = parameter.schema ?? {};
  const notes = [parameter.description ?? schema.description, describeConstraints(schema)].filter(Boolean).join("; ");
  return `| \`${parameter.name}\` | ${parameter.in} | ${cell(describeType(schema))} | ${parameter.required ? "yes" : "no"} | ${describeDefault(schema)} | ${cell(notes)} |`;
}

/** One row per field; fields of nested objects follow their parent as `parent.child`. */
function bodyFields(schema: JsonSchema, prefix: string): string[] {
  const rows: string[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const notes = [field.description, describeConstraints(field)].filter(Boolean).join("; ");
    rows.push(`| \`${prefix}${name}\` | ${cell(describeType(field))} | ${required.has(name) ? "yes" : "no"} | ${describeDefault(field)} | ${cell(notes)} |`);
    if (field.properties !== undefined) rows.push(...bodyFields(field, `${prefix}${name}.`));
  }
  return rows;
}

function describeType(schema: JsonSchema): string {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return [...new Set(alternatives.map(describeValue))].join(" or ");
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  const types = schema.type === undefined ? [] : typeof schema.type === "string" ? [schema.type] : [...schema.type];
  if (types.length === 0) return "any";
  return types
    .map((type) => {
      if (type === "array") return `array of ${schema.items ? describeValue(schema.items) : "any"}`;
      if (type === "object" && schema.properties === undefined && schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
        const values = schema.additionalProperties === true ? "any" : describeValue(schema.additionalProperties);
        return `object of ${values === "any" ? "any values" : values}`;
      }
      return schema.format ? `${type} (${schema.format})` : type;
    })
    .join(" or ");
}

/** A type with its constraints, for a value inside another type (array items, map values). */
function describeValue(schema: JsonSchema): string {
  const constraints = describeConstraints(schema);
  return constraints ? `${describeType(schema)} (${constraints})` : describeType(schema);
}

function describeConstraints(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.enum !== undefined) parts.push(`one of ${schema.enum.map((value) => `\`${String(value)}\``).join(", ")}`);
  const minLength = schema.minLength ?? 0;
  if (minLength > 0 && schema.maxLength !== undefined) parts.push(`${minLength} to ${schema.maxLength} characters`);
  else if (minLength > 0) parts.push(`at least ${minLength} ${minLength === 1 ? "character" : "characters"}`);
  else if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.pattern !== undefined) parts.push(`matches \`${schema.pattern}\``);
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  // zod's .int() adds the largest safe integer as a maximum: no limit worth telling anyone.
  if (schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minItems !== undefined && schema.minItems > 0) parts.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`);
  if (schema.anyOf === undefined && schema.oneOf === undefined) {
    const keys = (schema as { propertyNames?: JsonSchema }).propertyNames;
    const keyConstraints = keys === undefined ? "" : describeConstraints(keys);
    if (keyConstraints) parts.push(`keys: ${keyConstraints}`);
  }
  return parts.join(", ");
}

function describeDefault(schema: JsonSchema): string {
  return schema.default === undefined ? "" : `\`${JSON.stringify(schema.default)}\``;
}

/** Fastify's `:param` is OpenAPI's `{param}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function tagTitle(tag: string): string {
  return TAG_TITLES[tag] ?? `${tag.charAt(0).toUpperCase()}${tag.slice(1)}`;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes, `-1`, `-2`... for repeats. */
class Anchors {
  private readonly seen = new Map<string, number>();

  take(heading: string): string {
    const base = heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
    const count = this.seen.get(base) ?? 0;
    this.seen.set(base, count + 1);
    return count === 0 ? base : `${base}-${count}`;
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Prose outside code spans: `<id>` would be read as an HTML tag. */
function text(value: string): string {
  return value.split(/(`[^`]*`)/).map((part) => (part.startsWith("`") ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;"))).join("");
}

/** A table cell: pipes would end it, and newlines would end the row. */
function cell(value: string): string {
  return text(value).replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}
