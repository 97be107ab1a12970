/**
 * A task's result is stored and handed to downstream tasks as JSON (docs/architecture.md §5), so it is
 * serialised where it is produced: a value JSON would silently mangle (a function dropped, a Map
 * turned into `{}`) is an error the user sees on this try, not a surprise downstream.
 */

export type SerialisedResult =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly kind: "error" | "result_too_large"; readonly message: string };

/** `what` names the value in messages: a task's result, or a step's (step-journal.ts). */
export function serialiseResult(value: unknown, maxBytes: number, what = "the task's result"): SerialisedResult {
  let json: string;
  try {
    json = JSON.stringify(value === undefined ? null : value, rejectNonJson) ?? "null";
  } catch (error) {
    return { ok: false, kind: "error", message: `${what} is not JSON: ${errorMessage(error)}` };
  }
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > maxBytes) {
    return {
      ok: false,
      kind: "result_too_large",
      message:
        `${what} is ${formatBytes(bytes)} of JSON, above the limit of ${formatBytes(maxBytes)}: ` +
        "results are kept in Tributary's store, so write large data to your own storage " +
        "(a file, a bucket, a table) and return a reference to it (a path, a URI, a row count)",
    };
  }
  return { ok: true, json };
}

function rejectNonJson(this: unknown, key: string, value: unknown): unknown {
  const where = key === "" ? "the result" : `key "${key}"`;
  switch (typeof value) {
    case "function":
      throw new TypeError(`${where} is a function`);
    case "symbol":
      throw new TypeError(`${where} is a symbol`);
    case "bigint":
      throw new TypeError(`${where} is a bigint (convert it to a string or a number)`);
    default:
      break;
  }
  if (value instanceof Map) throw new TypeError(`${where} is a Map (convert it with Object.fromEntries)`);
  if (value instanceof Set) throw new TypeError(`${where} is a Set (convert it to an array)`);
  return value;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // V8's cycle message spells out the whole path over several lines; its first line says enough.
  return message.split("\n")[0] ?? message;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
