/**
 * Tributary embedded in an existing Node service: the scheduler, the retry timer and a worker
 * running in this process against a store.
 *
 * @example
 * ```ts
 * const tributary = await createTributary({ dags: "./dags", db: "./.tributary/tributary.db" });
 * await tributary.start();
 * // ... later
 * await tributary.stop();
 * ```
 */
import { resolve } from "node:path";
import type { LogFn } from "../logging/log-fields.js";

export interface TributaryOptions {
  /** Folder of DAG files. */
  readonly dags: string;
  /** SQLite file path or `postgres://` URL (default `./.tributary/tributary.db`). */
  readonly db?: string;
  /** Task tries that may run at once in this process (default 4). */
  readonly concurrency?: number;
  /** Receives one line per notable event (runs created, tries finished, errors), with its run/task/try ids (docs/logging.md). */
  readonly log?: LogFn;
}

export interface Tributary {
  /** Loads the DAGs and starts scheduling and running them. */
  start(): Promise<void>;
  /** Stops gracefully: running tries get `graceMs` to finish; then the store is closed. */
  stop(graceMs?: number): Promise<void>;
  /** Ids of the DAGs loaded, and the files that failed to import. */
  status(): { dags: string[]; importErrors: { file: string | undefined; message: string }[] };
}

export async function createTributary(options: TributaryOptions): Promise<Tributary> {
  // Loaded on demand: DAG files import this package's entry point, and must not pay for the
  // scheduler, the store driver and the process pool.
  const { openStoreAt } = await import("../store/open-store.js");
  const { TributaryService } = await import("./tributary-service.js");
  const store = openStoreAt(options.db ?? resolve(".tributary/tributary.db"));
  const report = await store.migrate();
  if (report.error) {
    await store.close();
    throw report.error;
  }
  if (report.fromLaterRelease !== undefined) {
    options.log?.("the store was migrated by a later release; this release runs with it", { level: "warn", migrations: report.fromLaterRelease });
  }
  const service = new TributaryService({ store, dagsDir: resolve(options.dags), concurrency: options.concurrency, log: options.log });
  return {
    start: () => service.start(),
    async stop(graceMs) {
      await service.stop(graceMs);
      await store.close();
    },
    status: () => ({
      dags: [...service.registry.all().keys()],
      importErrors: service.registry.importErrors().map((e) => ({ file: e.location.file, message: e.message })),
    }),
  };
}
