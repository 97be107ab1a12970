/** What every engine workload does first: write its DAG file(s) and open a migrated store of its own. */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { openStoreAt } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/index.js";
import type { WorkloadContext } from "./types.js";
import { dropSchema, storeLocation } from "./util.js";

/** The DSL as DAG files import it (tsx compiles the source on import). */
export const DSL = JSON.stringify(resolve(import.meta.dirname, "../../src/dsl/index.js"));

export function writeDagFile(path: string, body: string): string {
  writeFileSync(path, `import { dag } from ${DSL};\n${body}`);
  return path;
}

export interface BenchStoreHandle {
  readonly store: Store;
  readonly location: string;
  /** Closes the store and drops its PostgreSQL schema. */
  close(): Promise<void>;
}

export async function openBenchStore(context: WorkloadContext, name: string): Promise<BenchStoreHandle> {
  const { location, schema } = storeLocation(context, name);
  const store = openStoreAt(location);
  const report = await store.migrate();
  if (report.error) throw report.error;
  return {
    store,
    location,
    close: async () => {
      await store.close();
      await dropSchema(context.pgUrl, schema);
    },
  };
}
