/**
 * `fileSensor(path)`: waits until a file exists (docs/sensors.md). The path may depend on the run:
 * `fileSensor((ctx) => \`/data/${ctx.ds}/orders.csv\`)`. Done with the file's path, size and
 * modification time as the task's result.
 */
import { stat } from "node:fs/promises";
import { DagDefinitionError } from "../core/errors.js";
import type { SensorContext, SensorDefinition } from "../dsl/types.js";

export interface FoundFile {
  readonly path: string;
  readonly bytes: number;
  /** ISO timestamp. */
  readonly modifiedAt: string;
}

export function fileSensor(path: string | ((ctx: SensorContext) => string)): SensorDefinition<FoundFile> {
  if (typeof path !== "function" && (typeof path !== "string" || path === "")) {
    throw new DagDefinitionError(`fileSensor needs a path (a non-empty string, or a function of the context), got ${JSON.stringify(path)}`, { field: "path" });
  }
  return {
    poke: async (ctx) => {
      const target = typeof path === "function" ? path(ctx) : path;
      try {
        const info = await stat(target);
        if (!info.isFile()) return false;
        return { done: true, value: { path: target, bytes: info.size, modifiedAt: info.mtime.toISOString() } };
      } catch (error) {
        // Not there yet is what a file sensor waits for; anything else (no permission) is an error.
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw error;
      }
    },
  };
}
