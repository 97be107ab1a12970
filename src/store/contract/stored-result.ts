/**
 * A task's result as the store keeps it: JSON text, `undefined` (and a value JSON cannot express,
 * such as a function) stored as null. What a read gives back is `JSON.parse` of this text (a Date
 * becomes its ISO string, undefined properties go).
 */
export function storedResultJson(result: unknown): string {
  // JSON.stringify answers undefined, not text, for a function or a symbol.
  return (JSON.stringify(result ?? null) as string | undefined) ?? "null";
}
