/**
 * The DAG code thread (scheduler/dag-code-host.ts): a DAG's params schema and approval forms run
 * there, never in the calling thread; a call stuck in a DAG's code fails after the import timeout
 * and the next call gets a new thread.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BroadcastChannel } from "node:worker_threads";
import { afterAll, expect, it } from "vitest";
import { DagImportError, ParamsError } from "../../../src/core/errors.js";
import { DagCodeHost } from "../../../src/scheduler/dag-code-host.js";
import { hostedCode, type DagCode } from "../../../src/scheduler/dag-code.js";
import { contentHash } from "../../../src/scheduler/dag-shape-cache.js";

const DSL = JSON.stringify(resolve(import.meta.dirname, "../../../src/dsl/index.js"));
const ZOD = JSON.stringify(import.meta.resolve("zod"));
const dir = mkdtempSync(join(tmpdir(), "tributary-code-host-"));
// Long enough for the file's import on a loaded machine (a call's time includes it, not the
// thread's start). The files are given as the import check saw them (no check thread then).
const host = new DagCodeHost({ timeoutMs: 8_000 });

afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A DAG's code in `host`, its file given as the import check saw it (no check thread then). */
function checkedCode(codeHost: DagCodeHost, path: string, dagId: string): DagCode {
  return hostedCode(codeHost, path, dagId, contentHash(readFileSync(path, "utf8")));
}

const file = join(dir, "release.ts");
writeFileSync(
  file,
  `import { z } from ${ZOD};
import { dag } from ${DSL};
(globalThis as Record<string, unknown>)["codeHostRan"] = true;
export default dag("release", { params: z.object({ stuck: z.boolean().default(false).refine((stuck) => { if (stuck) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return true; }) }) }, (d) => {
  const build = d.task("build", async () => 1);
  d.approval("review", { after: [build], form: z.object({ approved: z.boolean(), percent: z.number().int().max(100).default(10) }), timeout: "1d" });
});
`,
);
const code = checkedCode(host, file, "release");

const moneyFile = join(dir, "money.ts");
writeFileSync(
  moneyFile,
  `import { z } from ${ZOD};
import { dag } from ${DSL};
class Money { constructor(readonly cents: number) {} toJSON() { return (this.cents / 100).toFixed(2); } }
export default dag("money", { params: z.object({ cents: z.number().transform((cents) => new Money(cents)), at: z.string().transform((text) => new Date(text)) }) }, (d) => {
  d.task("one", async () => 1);
});
`,
);

/** Params for the money DAG, one cent at a fixed time. */
function askMoney(codeHost: DagCodeHost): Promise<Record<string, unknown>[]> {
  return checkedCode(codeHost, moneyFile, "money").params({ cents: 1, at: "2024-01-02T03:04:05Z" }, 1);
}

it("gives params as JSON, as a run stores them: a class's toJSON applied, a date as its ISO text", async () => {
  expect(await checkedCode(host, moneyFile, "money").params({ cents: 1234, at: "2024-01-02T03:04:05Z" }, 1)).toEqual([{ cents: "12.34", at: "2024-01-02T03:04:05.000Z" }]);
});

it("checks an approval's answer with the form, in its thread: defaults filled in, a misfit named by field", async () => {
  expect(await code.approvalAnswer("review", { approved: true })).toEqual({ approved: true, percent: 10 });
  const misfit = await code.approvalAnswer("review", { approved: true, percent: 500 }).catch((error: unknown) => error);
  expect(misfit).toBeInstanceOf(ParamsError);
  expect(misfit).toMatchObject({ location: { dagId: "release", taskId: "review", field: "answer.percent" } });
  expect((globalThis as Record<string, unknown>)["codeHostRan"]).toBeUndefined();
});

// Stuck in a wait that never ends (as an endless loop would be, without spending a core on it).
it("fails a call stuck in the DAG's code after the timeout, naming the file, and answers the next from a new thread", async () => {
  const started = Date.now();
  const stuck = await code.params({ stuck: true }, 1).catch((error: unknown) => error);
  expect(stuck).toBeInstanceOf(DagImportError);
  expect((stuck as DagImportError).message).toMatch(/^the code of DAG "release" did not finish within 8\.00s \(TRIBUTARY_DAG_IMPORT_TIMEOUT\): does its params schema/);
  expect((stuck as DagImportError).location.file).toBe(file);
  expect(Date.now() - started).toBeLessThan(20_000);
  // The same call to the same content fails at once.
  const again = Date.now();
  await expect(code.params({ stuck: true }, 1)).rejects.toThrow(/did not finish within 8\.00s.*not asked again until the file changes/);
  expect(Date.now() - again).toBeLessThan(1_000);
  expect(await code.params({}, 2)).toEqual([{ stuck: false }, { stuck: false }]);
});

it("names the import, not the schema, when the file's import is what does not finish", async () => {
  // Its content is said to be what the import check saw finish, so the thread imports it at once.
  const hanging = join(dir, "hanging.ts");
  writeFileSync(hanging, `import { dag } from ${DSL};\nAtomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\nexport default dag("hanging", {}, (d) => { d.task("one", async () => 1); });\n`);
  const stuck = await checkedCode(host, hanging, "hanging").params({}, 1).catch((error: unknown) => error);
  expect(stuck).toBeInstanceOf(DagImportError);
  expect((stuck as DagImportError).message).toMatch(/^importing the file for the code of DAG "hanging" did not finish within 8\.00s/);
  // The other DAGs' code is answered by a new thread.
  expect(await code.params({}, 1)).toEqual([{ stuck: false }]);
});

it("gives each file of a load the timeout for its own import, not for the files imported before it", { timeout: 45_000 }, async () => {
  // Four files asked for together, each taking 2 s at import: the last is imported 8 s after the
  // calls were made, past a timeout of 7 s counted from then, though no file took more than 2 s
  // (the first also waits for the thread to compile the DSL: seconds on a loaded machine).
  const slowHost = new DagCodeHost({ timeoutMs: 7_000 });
  try {
    const calls = Array.from({ length: 4 }, (_, i) => {
      const slow = join(dir, `slow${i}.ts`);
      writeFileSync(slow, `import { dag } from ${DSL};\nAtomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_000);\nexport default dag("slow${i}", {}, (d) => { d.task("one", async () => 1); });\n`);
      return checkedCode(slowHost, slow, `slow${i}`).params({}, 1);
    });
    expect(await Promise.all(calls)).toEqual([[{}], [{}], [{}], [{}]]);
  } finally {
    await slowHost.close();
  }
});

it("fails a file whose import never ends, though the thread goes on answering other DAGs' calls", { timeout: 60_000 }, async () => {
  // A timeout long enough for the first import of the other DAG on a loaded machine.
  const asyncHost = new DagCodeHost({ timeoutMs: 6_000 });
  try {
    // (.mts: an ES module, where a top-level await is allowed.)
    const waitsForever = join(dir, "waits-forever.mts");
    writeFileSync(waitsForever, `import { dag } from ${DSL};\nawait new Promise(() => {});\nexport default dag("waits_forever", {}, (d) => { d.task("one", async () => 1); });\n`);
    const ask = () => askMoney(asyncHost);
    await ask();
    const started = Date.now();
    let settled = false;
    const stuck = checkedCode(asyncHost, waitsForever, "waits_forever")
      .params({}, 1)
      .catch((error: unknown) => error)
      .finally(() => (settled = true));
    // Answers for another DAG, twice a second, all along.
    while (!settled && Date.now() - started < 30_000) {
      await ask().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const error = await stuck;
    expect(error).toBeInstanceOf(DagImportError);
    expect((error as DagImportError).message).toMatch(/^importing the file for the code of DAG "waits_forever" did not finish within 6\.00s/);
    expect(Date.now() - started).toBeLessThan(18_000);
  } finally {
    await asyncHost.close();
  }
});

/** A host whose thread says it is ready only when told (fixtures/code-thread-on-signal.ts). */
function hostOfSlowThread(timeoutMs: number): { readonly host: DagCodeHost; readonly listening: Promise<void>; go(): void; close(): Promise<void> } {
  const channel = new BroadcastChannel("tributary-test-code-thread-on-signal");
  // A test that fails must not leave the channel keeping this (reused) process alive.
  channel.unref();
  const listening = new Promise<void>((resolve) => {
    channel.onmessage = (event) => {
      if ((event as MessageEvent).data === "listening") resolve();
    };
  });
  const slowHost = new DagCodeHost({ timeoutMs, entry: { path: join(import.meta.dirname, "fixtures", "code-thread-on-signal.ts"), typescript: true } });
  return {
    host: slowHost,
    listening,
    go: () => channel.postMessage("go"),
    close: async () => {
      channel.close();
      await slowHost.close();
    },
  };
}

it("does not count a thread's start as a call's time: a thread slower to start than the timeout still answers", { timeout: 60_000 }, async () => {
  // Long enough for the file's import after the start, on a loaded machine. (The thread's start
  // has three timeouts, 18 s: "go" comes 7 s after the call, so the thread's own modules then
  // have 11 s to load, and the file's import the whole 6 s after they say ready.)
  const timeoutMs = 6_000;
  const slow = hostOfSlowThread(timeoutMs);
  try {
    let settled = false;
    const answer = askMoney(slow.host).finally(() => (settled = true));
    // Past the timeout, counted from the call: the thread has not started, so the call waits. (A
    // thread that failed before listening rejects the call: the race ends the wait then.)
    await Promise.all([Promise.race([slow.listening, answer]), new Promise((resolve) => setTimeout(resolve, timeoutMs + 1_000))]);
    expect(settled).toBe(false);
    slow.go();
    expect(await answer).toEqual([{ cents: "0.01", at: "2024-01-02T03:04:05.000Z" }]);
  } finally {
    await slow.close();
  }
});

it("fails the calls of a thread that does not start within three timeouts, blaming no file", async () => {
  const slow = hostOfSlowThread(300);
  try {
    const started = Date.now();
    const call = askMoney(slow.host);
    const error = await call.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(DagImportError);
    expect((error as DagImportError).message).toBe("the DAG code thread did not start within 900ms (three times TRIBUTARY_DAG_IMPORT_TIMEOUT): is the machine overloaded?");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // Nothing is remembered against the file: the next call waits for a new thread again.
    const again = Date.now();
    await expect(askMoney(slow.host)).rejects.toThrow(/did not start within 900ms/);
    expect(Date.now() - again).toBeGreaterThanOrEqual(900);
  } finally {
    await slow.close();
  }
});
