/**
 * Which DAGs a DAG file's module exports, under the rule that a DAG id is defined once: one
 * implementation for a load into the process (load.ts) and for the import check's thread, which
 * sends them back as shapes (dag-shape.ts).
 */
import { DagDefinitionError } from "../core/errors.js";
import { isDag } from "./is-dag.js";
import type { Dag } from "./types.js";

export interface ExportedDag<D> {
  readonly dag: D;
  /** `"default"` or the name of the export. */
  readonly exportName: string;
}

/**
 * The DAGs a module exports, the default export first, each object once (a DAG exported under two
 * names, or re-exported by another file of the load, is one DAG). A DAG id is defined once:
 * `defined` maps each id to the file that defined it first, across the files of one load; a
 * second DAG with a taken id is an error.
 */
export function collectDags(
  moduleExports: Readonly<Record<string, unknown>>,
  file: string,
  defined: Map<string, string> = new Map(),
  seen: Set<object> = new Set(),
): { dags: ExportedDag<Dag>[]; errors: DagDefinitionError[] } {
  const exports = commonJsExports(moduleExports) ?? moduleExports;
  const entries = Object.entries(exports);
  const ordered = [...entries.filter(([name]) => name === "default"), ...entries.filter(([name]) => name !== "default")];
  const dags: ExportedDag<Dag>[] = [];
  const errors: DagDefinitionError[] = [];
  for (const [exportName, value] of ordered) {
    if (!isDag(value) || seen.has(value)) continue;
    seen.add(value);
    const firstFile = defined.get(value.id);
    if (firstFile !== undefined) {
      const where = firstFile === file ? `by another export of this file` : `in ${firstFile}`;
      errors.push(new DagDefinitionError(`DAG id "${value.id}" is already defined ${where}`, { file, dagId: value.id }));
      continue;
    }
    defined.set(value.id, file);
    dags.push({ dag: value, exportName });
  }
  return { dags, errors };
}

/**
 * A file compiled to CommonJS shows up as an ES module whose default export is `module.exports`,
 * which holds the file's own `default` and named exports (marked `__esModule` by the compiler).
 */
function commonJsExports(moduleExports: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  const inner = moduleExports["default"];
  if (typeof inner !== "object" || inner === null || isDag(inner)) return undefined;
  return (inner as { __esModule?: unknown }).__esModule === true ? (inner as Record<string, unknown>) : undefined;
}
