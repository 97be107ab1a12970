/**
 * A worker names every DAG it serves in each claim: a service's worker serves every DAG of its
 * folder, 3,000 in a large deployment. What a claim does with that list must not grow with its
 * square: looking each DAG that may wait up in the list by scanning it made a chain's step take
 * 13-15 ms with 3,000 DAGs served instead of 1-2 ms (sql/shared/claim-dags.ts), and SQLite read
 * the list at every claim (sqlite/step-function.ts reads the queue without it first). A chain of
 * inline tasks is run with its worker serving its DAG alone, then 3,000.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import type { Dag } from "../../src/dsl/types.js";
import type { Store } from "../../src/store/index.js";
import type { RunnableDag } from "../../src/worker/worker.js";
import { STORES } from "../conformance/stores.js";

const STEPS = 12;
const dir = mkdtempSync(join(tmpdir(), "tributary-many-dags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, "chain.ts");
writeFileSync(
  file,
  `import { dag } from ${JSON.stringify(join(import.meta.dirname, "../../src/dsl/index.js"))};
export default dag("chain", { schedule: null, defaults: { isolation: "inline" } }, (d) => {
  const started = () => performance.timeOrigin + performance.now();
  let prev = d.task("t0", async () => started());
  for (let i = 1; i < ${STEPS}; i++) {
    const p = prev;
    prev = d.task(\`t\${i}\`, { inputs: { p } }, async () => started());
  }
});
`,
);

/** The median time from one task's start to the next's, over `rounds` runs of the chain. */
async function medianStep(store: Store, dag: Dag, rounds: number, alsoServes?: ReadonlyMap<string, RunnableDag>): Promise<number> {
  const gaps: number[] = [];
  const taskIds = Array.from({ length: STEPS }, (_, i) => `t${i}`);
  for (let round = 0; round < rounds; round++) {
    const { run } = await runToCompletion({ store, dag, file, params: {}, concurrency: 1, logicalDate: `2024-03-0${round + 1}`, ...(alsoServes ? { alsoServes } : {}) });
    expect(run.state).toBe("success");
    const results = await store.getTaskResults(run.runId, taskIds);
    const starts = taskIds.map((id) => results.get(id) as number);
    for (let i = 1; i < starts.length; i++) gaps.push((starts[i] as number) - (starts[i - 1] as number));
  }
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] as number;
}

for (const factory of STORES) {
  describe(`a claim with many DAGs served: ${factory.name}`, () => {
    it("a chain's step costs about the same whether its worker serves 1 DAG or 3,000", { timeout: 60_000 }, async () => {
      const place = await factory.create();
      const store = factory.open(place.address);
      try {
        const report = await store.migrate();
        if (report.error) throw report.error;
        const { dag } = findDag(await loadDagFile(file), "chain");
        const others = new Map<string, RunnableDag>();
        for (let i = 1; i < 3_000; i++) others.set(`other_${i}`, { dag: { ...dag, id: `other_${i}`, graph: { ...dag.graph, dagId: `other_${i}` } }, file });
        // Warm: the first run loads what every later one reuses.
        await medianStep(store, dag, 1);
        const alone = await medianStep(store, dag, 2);
        const many = await medianStep(store, dag, 2, others);
        // Measured 1.1 and 1.1 ms on SQLite, 1.6 and 2.7 ms on PostgreSQL (which still sends the
        // list with each step); 13.5 and 14.9 ms with 3,000 before.
        expect(many).toBeLessThan(3 * alone + 1);
      } finally {
        await store.close();
        await place.dispose();
      }
    });
  });
}
