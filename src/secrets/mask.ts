/**
 * Masking: every known secret value is replaced by `***` in what Tributary stores or shows (task
 * log lines, errors, results, alert messages). One module, so that the worker, the API and the
 * alert channels mask the same way.
 *
 * Besides each value as is, a masker also hides its predictable forms (secret-forms.ts): escaped
 * for JSON or a shell, printed by `echo` (escapes interpreted), URL-encoded, base64, and each line
 * of a multi-line value (a PEM key printed to a log arrives one line at a time).
 */
import { secretForms } from "./secret-forms.js";

export const MASK = "***";

export interface Masker {
  /** True when there is anything to mask. */
  readonly active: boolean;
  text(text: string): string;
  /** A JSON-like value with every string (and object key) masked; other values unchanged. */
  value(value: unknown): unknown;
}

export function createMasker(secrets: Iterable<string>): Masker {
  const patterns = new Set<string>();
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (const form of secretForms(secret)) patterns.add(form);
  }
  if (patterns.size === 0) return NO_MASK;
  // Longest first, so that a secret containing another is hidden whole.
  const sorted = [...patterns].sort((a, b) => b.length - a.length);
  const regex = new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  const text = (input: string): string => input.replace(regex, MASK);
  const value = (input: unknown): unknown => {
    if (typeof input === "string") return text(input);
    if (Array.isArray(input)) return input.map(value);
    if (input !== null && typeof input === "object" && !(input instanceof Date)) {
      return Object.fromEntries(Object.entries(input).map(([k, v]) => [text(k), value(v)]));
    }
    return input;
  };
  return { active: true, text, value };
}

/** Masks one text once; build a masker with `createMasker` to mask many. */
export function maskText(text: string, secrets: Iterable<string>): string {
  return createMasker(secrets).text(text);
}

export function maskValue(value: unknown, secrets: Iterable<string>): unknown {
  return createMasker(secrets).value(value);
}

export const NO_MASK: Masker = { active: false, text: (text) => text, value: (value) => value };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
