/**
 * Sensors end to end in one process, as `tributary run` drives them: the in-process worker pokes
 * through the real process pool, a poke that found nothing defers the instance in the SQLite
 * store, and the worker's next claim wakes it when its poke is due.
 */
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion } from "../../src/app/run-to-completion.js";
import { sqliteStorePerTest } from "../support/sqlite-store-per-test.js";
import { runBuiltCli } from "../support/built-cli.js";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/sensor-dags/wait-for-file.ts");
const fixture = sqliteStorePerTest("sensors");

describe("sensors with tributary run", () => {
  it("the command prints a line per poke that found nothing (the built CLI)", async () => {
    const db = join(tmpdir(), `tributary-sensor-cli-${process.pid}-${Date.now()}.db`);
    try {
      const result = await runBuiltCli(["run", FIXTURE, "--dag", "never_there", "--db", db], tmpdir());
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/^wait file_ready \(try 1, poke 1\): not yet; next poke at \d{4}-\d\d-\d\dT[\d:.]+Z$/m);
      expect(result.stderr).toMatch(/^wait file_ready \(try 1, poke 2\): not yet/m);
      expect(result.stdout).toMatch(/file_ready\s+skipped/);
    } finally {
      await rm(db, { force: true });
      await rm(`${db}-wal`, { force: true });
      await rm(`${db}-shm`, { force: true });
    }
  });

  it("pokes every 200 ms until the file is there, as one try, then runs its downstream task", async () => {
    const path = join(tmpdir(), `tributary-sensor-${process.pid}-${Date.now()}.txt`);
    const loaded = findDag(await loadDagFile(FIXTURE), "wait_for_file");
    const waits: number[] = [];
    try {
      const { run, instances } = await runToCompletion({
        store: fixture.store,
        dag: loaded.dag,
        file: loaded.file,
        params: { path },
        concurrency: 2,
        onTryFinished: (claimed, _outcome, recorded) => {
          if (recorded.state !== "deferred") return;
          waits.push(claimed.instance.pokes + 1);
          // The file appears after the second poke found nothing.
          if (waits.length === 2) void writeFile(path, "12345");
        },
      });
      expect(run.state).toBe("success");
      const sensor = instances.find((ti) => ti.taskId === "file_ready");
      expect(sensor).toMatchObject({ state: "success", tryNumber: 1, result: { path, bytes: 5 } });
      expect(sensor?.pokes).toBeGreaterThanOrEqual(3);
      expect(waits.slice(0, 2)).toEqual([1, 2]);
      expect(instances.find((ti) => ti.taskId === "read")?.result).toBe(5);
      const tries = await fixture.store.listTries(sensor?.id ?? -1);
      expect(tries.map((t) => [t.tryNumber, t.outcome])).toEqual([[1, "success"]]);
      // Between pokes at least the `every` of 200 ms passed.
      const history = (await fixture.store.listStateHistory(run.runId)).filter((h) => h.taskId === "file_ready");
      const deferredAt = history.filter((h) => h.toState === "deferred").map((h) => h.at.getTime());
      const wokenAt = history.filter((h) => h.fromState === "deferred").map((h) => h.at.getTime());
      expect(wokenAt.length).toBe(deferredAt.length);
      wokenAt.forEach((woken, i) => expect(woken - (deferredAt[i] ?? 0)).toBeGreaterThanOrEqual(200));
    } finally {
      await rm(path, { force: true });
    }
  });

  it("a sensor that never finds its file times out after three seconds and, with softFail, is skipped", async () => {
    const loaded = findDag(await loadDagFile(FIXTURE), "never_there");
    const began = Date.now();
    const { run, instances } = await runToCompletion({ store: fixture.store, dag: loaded.dag, file: loaded.file, params: {}, concurrency: 2 });
    expect(Date.now() - began).toBeGreaterThanOrEqual(3_000);
    expect(run.state).toBe("success");
    expect(instances.map((ti) => [ti.taskId, ti.state])).toEqual([["file_ready", "skipped"], ["read", "skipped"]]);
    // It poked more than once before giving up. How many pokes fit in the three seconds (about 15
    // at every 200 ms) depends on the machine's load: CI once counted 4 in one second.
    expect(instances[0]?.pokes).toBeGreaterThanOrEqual(2);
    expect(instances[0]?.error).toMatch(/^the sensor timed out: not done after waiting \d+\.\d+s \(\d+ pokes\)$/);
  });
});
