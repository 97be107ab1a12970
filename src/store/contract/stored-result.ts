/**
 * A task's result as the store keeps it: JSON text, `undefined` stored as null. What a read gives
 * back is `JSON.parse` of this text (a Date becomes its ISO string, undefined properties go).
 */
export function storedResultJson(result: unknown): string {
  return JSON.stringify(result ?? null);
}
