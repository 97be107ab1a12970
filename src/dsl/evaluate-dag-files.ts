/**
 * Evaluates DAG files without importing them into this thread: each file is imported in the import
 * check's thread (import-check.ts), which sends back what the file gave as data, its DAGs' shapes
 * and its errors (dag-shape.ts). A service's registry loads with this, so the service's own thread
 * runs no DAG file code to know its DAGs (a file that misbehaves on a second import cannot stall
 * it), and each file is imported once where a load into the process imported it twice (the
 * check's thread, then the process).
 *
 * A file whose import threw in the thread (other than a broken DAG rule, which is the same
 * anywhere) is imported again in the process; it finished there, so it does not hang. Some code
 * runs only on a main thread (`process.chdir`, a native addon that is not thread-safe), and the
 * process's own import reports an error as it always did. That file's shapes are made here.
 */
import { resolve } from "node:path";
import { dagShape, errorOf, type DagShape } from "./dag-shape.js";
import { DagImportCheck } from "./import-check.js";
import { fileError, loadDagFilesSeparately, type LoadResult } from "./load.js";

/** What evaluating a file gave: its DAGs as data, and its errors with `location.file` set (as a load's). */
export type EvaluationResult = LoadResult<DagShape>;

/** Each file's DAGs and errors, by the path as given; `signal` stops it (the files not yet imported become errors). */
export async function evaluateDagFiles(files: readonly string[], options: { readonly signal?: AbortSignal } = {}): Promise<Map<string, EvaluationResult>> {
  const paths = files.map((file) => resolve(file));
  const check = new DagImportCheck(paths, { signal: options.signal, evaluate: true });
  const checked = await Promise.all(paths.map((path) => check.checked(path)));
  const results = new Map<string, EvaluationResult>();
  const threw: string[] = [];
  files.forEach((file, index) => {
    const path = paths[index] ?? file;
    const outcome = checked[index];
    if (outcome === undefined || outcome.hung !== undefined) {
      results.set(file, { dags: [], errors: outcome?.hung ? [outcome.hung] : [] });
      return;
    }
    const evaluation = outcome.evaluation;
    if (evaluation === undefined) {
      results.set(file, { dags: [], errors: [fileError(new Error("the DAG import check gave no result for this file"), path)] });
    } else if ("error" in evaluation && evaluation.error.code === undefined) {
      threw.push(file);
    } else if ("error" in evaluation) {
      // A rule of Tributary's (a bad DAG definition): the same wherever the file runs.
      results.set(file, { dags: [], errors: [fileError(errorOf(evaluation.error), path)] });
    } else {
      results.set(file, {
        dags: evaluation.dags.map(({ dag, exportName }) => ({ dag, file: path, exportName })),
        errors: evaluation.errors.map((error) => fileError(errorOf(error), path)),
      });
    }
  });
  if (threw.length > 0 && !options.signal?.aborted) {
    for (const [file, loaded] of await loadDagFilesSeparately(threw, { hangs: "none" })) {
      results.set(file, { dags: loaded.dags.map(({ dag, file: path, exportName }) => ({ dag: dagShape(dag), file: path, exportName })), errors: loaded.errors });
    }
  }
  return results;
}
