/**
 * Starts `store-child.ts` in another Node process (through tsx), for tests that need a second
 * process on the same database, not just a second connection in this one. Starting Node with tsx
 * and loading the store takes about a second: `keepSpareStoreChildren` starts children ahead of
 * time, so that they load while other tests run and a test only hands one its job.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";

const CHILD = fileURLToPath(new URL("./store-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface StoreChild {
  /** Resolves once the child has opened the store. */
  readonly ready: Promise<void>;
  /** Tells the child to do its job. */
  readonly go: () => void;
  /** The JSON line the child printed, once it has exited cleanly. */
  readonly output: Promise<unknown>;
}

interface Spawned {
  readonly child: ChildProcessWithoutNullStreams;
  /** Settles when the child exits: rejected (with its stderr) unless it exited with code 0. */
  readonly exited: Promise<void>;
}

function spawnChild(): Spawned {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`store child exited with ${code ?? signal ?? "?"}: ${stderr}`)),
    );
  });
  // Observed by whoever uses the child; a spare that is never used is killed on purpose.
  exited.catch(() => undefined);
  return { child, exited };
}

const spares: Spawned[] = [];
let spareCount = 0;
/** Children still to be started ahead of time. */
let budget = 0;

function refill(): void {
  while (spares.length < Math.min(spareCount, budget)) spares.push(spawnChild());
}

/**
 * Keeps `count` children started and waiting for a job during the calling file's tests (replacing
 * each one used once it has finished), up to `total` children in all (as many as the file uses:
 * each costs a second of CPU), and stops the unused ones at the end.
 */
export function keepSpareStoreChildren(count: number, total: number): void {
  beforeAll(() => {
    spareCount = count;
    budget = total;
    refill();
  });
  afterAll(async () => {
    spareCount = 0;
    const unused = spares.splice(0);
    for (const s of unused) s.child.kill();
    await Promise.allSettled(unused.map((s) => s.exited));
  });
}

export function startStoreChild(factory: string, address: string, job: readonly string[]): StoreChild {
  const { child, exited } = spares.shift() ?? spawnChild();
  budget = Math.max(0, budget - 1);
  // Its replacement starts once this one is done, not while it races.
  void exited.catch(() => undefined).finally(refill);
  child.stdin.write(`${JSON.stringify({ factory, address, job })}\n`);
  let onReady: () => void = () => undefined;
  let onOutput: (value: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const output = new Promise<unknown>((resolve) => (onOutput = resolve));
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line === "ready") onReady();
    else onOutput(JSON.parse(line) as unknown);
  });
  const exitedEarly = exited.then(() => Promise.reject(new Error("store child exited before it was ready")));
  return {
    ready: Promise.race([ready, exitedEarly]),
    go: () => child.stdin.end("go\n"),
    output: Promise.all([output, exited]).then(([value]) => value),
  };
}

/** Starts children, lets them go at the same moment, and returns their outputs. */
export async function raceChildren(children: readonly StoreChild[]): Promise<unknown[]> {
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.go();
  return Promise.all(children.map((c) => c.output));
}
