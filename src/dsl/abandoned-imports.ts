/**
 * Whether a one-shot command gave up on a DAG file's import (import-watch.ts). Its own module, with
 * no imports, so that the CLI's entry can ask without loading the DAG loader at every start.
 */
let abandoned = false;

export function markImportAbandoned(): void {
  abandoned = true;
}

/** True once an import was given up on: the process should exit when its command is done. */
export function importsAbandoned(): boolean {
  return abandoned;
}
