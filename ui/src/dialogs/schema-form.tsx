/**
 * Form fields generated from a JSON Schema (a DAG's params or an approval's answer, from the DAG's
 * zod schema, converted by the server): enums become selects, booleans checkboxes, numbers number
 * inputs, strings text inputs, anything else a JSON text area. The browser checks what the schema
 * says plainly (required, numbers and their bounds); the server validates the rest, and its
 * message lands on the field it names.
 */
import type { JsonSchema } from "../api/types";
import { describeType } from "../dag/details-view";

export type FormValues = Record<string, string | boolean>;

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return "enum";
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  return typeof type === "string" ? type : "json";
}

export function initialValues(schema: JsonSchema | null): FormValues {
  const values: FormValues = {};
  for (const [name, field] of Object.entries(schema?.properties ?? {})) {
    const kind = typeOf(field);
    if (kind === "boolean") values[name] = field.default === true;
    else if (field.default === undefined) values[name] = "";
    else if (kind === "object" || kind === "array" || kind === "json") values[name] = JSON.stringify(field.default, null, 2);
    else values[name] = String(field.default);
  }
  return values;
}

/** A field the form found wrong, and why. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** The values to send: empty fields are left out (the schema's defaults apply on the server). */
export function paramsFrom(schema: JsonSchema | null, values: FormValues): { params: Record<string, unknown>; error?: FieldError } {
  const params: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema?.properties ?? {})) {
    const value = values[name];
    const kind = typeOf(field);
    if (typeof value === "boolean") {
      params[name] = value;
      continue;
    }
    if (value === undefined || value === "") {
      if (schema?.required?.includes(name) === true && field.default === undefined) return { params, error: { field: name, message: `${name}: required` } };
      continue;
    }
    if (kind === "number" || kind === "integer") {
      const n = Number(value);
      const outOfBounds = numberError(name, value, field, kind);
      if (outOfBounds) return { params, error: { field: name, message: outOfBounds } };
      params[name] = n;
    } else if (kind === "object" || kind === "array" || kind === "json") {
      try {
        params[name] = JSON.parse(value);
      } catch {
        return { params, error: { field: name, message: `${name}: not valid JSON` } };
      }
    } else if (kind === "enum") {
      // Enum options are JSON values (strings, numbers); send the one whose text was chosen.
      params[name] = field.enum?.find((option) => String(option) === value) ?? value;
    } else {
      params[name] = value;
    }
  }
  return { params };
}

/** What is wrong with a number field's value, by the schema's type and bounds; undefined when nothing. */
function numberError(name: string, value: string, field: JsonSchema, kind: string): string | undefined {
  const n = Number(value);
  if (!Number.isFinite(n)) return `${name}: "${value}" is not a number`;
  if (kind === "integer" && !Number.isInteger(n)) return `${name}: must be a whole number`;
  if (field.minimum !== undefined && n < field.minimum) return `${name}: must be at least ${field.minimum}`;
  if (field.maximum !== undefined && n > field.maximum) return `${name}: must be at most ${field.maximum}`;
  return undefined;
}

/** Whether an error (the form's, or the server's naming `<prefix>.<field>`) is about this field. */
export function isFieldError(error: { readonly field?: string } | undefined, name: string, prefix: string): boolean {
  return error?.field === name || error?.field === `${prefix}.${name}`;
}

interface Props {
  readonly schema: JsonSchema | null;
  readonly values: FormValues;
  /** The field the server (or the form) found wrong, and why. */
  readonly error: { field?: string; message: string } | undefined;
  onChange(values: FormValues): void;
  /** Makes the fields' ids unique when several forms share a page (default "param"). */
  readonly idPrefix?: string;
  /** How the server names the fields in its errors: `params.region`, `answer.ticket` (default "params"). */
  readonly errorPrefix?: string;
  /** What a schema without fields says. */
  readonly emptyText?: string;
}

export function SchemaForm({ schema, values, error, onChange, idPrefix = "param", errorPrefix = "params", emptyText = "This DAG takes no params." }: Props) {
  const fields = Object.entries(schema?.properties ?? {});
  if (fields.length === 0) return <p className="muted">{emptyText}</p>;
  const set = (name: string, value: string | boolean) => onChange({ ...values, [name]: value });
  return (
    <div className="schema-form">
      {fields.map(([name, field]) => {
        const kind = typeOf(field);
        const id = `${idPrefix}-${name}`;
        const invalid = isFieldError(error, name, errorPrefix);
        const required = schema?.required?.includes(name) === true && field.default === undefined;
        const value = values[name];
        const describedBy = invalid ? `${id}-error` : `${id}-hint`;
        return (
          <div key={name} className={invalid ? "field field-invalid" : "field"}>
            {kind === "boolean" ? (
              <label className="checkbox">
                <input id={id} name={name} type="checkbox" checked={value === true} onChange={(e) => set(name, e.target.checked)} aria-describedby={describedBy} />
                {name}
              </label>
            ) : (
              <label htmlFor={id}>
                {name}
                {required ? <span aria-hidden="true"> *</span> : null}
              </label>
            )}
            {kind === "enum" ? (
              <select id={id} name={name} value={String(value ?? "")} onChange={(e) => set(name, e.target.value)} aria-invalid={invalid} aria-describedby={describedBy}>
                {field.default === undefined ? <option value="">(choose)</option> : null}
                {(field.enum ?? []).map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            ) : kind === "number" || kind === "integer" ? (
              <input id={id} name={name} type="number" step={kind === "integer" ? 1 : "any"} value={String(value ?? "")} onChange={(e) => set(name, e.target.value)} aria-invalid={invalid} aria-describedby={describedBy} required={required} />
            ) : kind === "string" ? (
              <input id={id} name={name} type={field.format === "date" ? "date" : "text"} value={String(value ?? "")} onChange={(e) => set(name, e.target.value)} aria-invalid={invalid} aria-describedby={describedBy} required={required} />
            ) : kind === "boolean" ? null : (
              <textarea id={id} name={name} rows={4} value={String(value ?? "")} onChange={(e) => set(name, e.target.value)} aria-invalid={invalid} aria-describedby={describedBy} spellCheck={false} />
            )}
            {invalid ? (
              <p className="field-error" id={`${id}-error`} role="alert">
                {error?.message}
              </p>
            ) : (
              <p className="hint" id={`${id}-hint`}>
                {field.description ? `${field.description} · ` : ""}
                {describeType(field)}
                {field.default !== undefined ? ` · default ${JSON.stringify(field.default)}` : ""}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}
