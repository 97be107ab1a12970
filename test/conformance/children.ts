/**
 * Starts `store-child.ts` in another Node process (through tsx), for tests that need a second
 * process on the same database, not just a second connection in this one.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

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

export function startStoreChild(factory: string, address: string, job: readonly string[]): StoreChild {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, factory, address, ...job], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`store child exited with ${code}: ${stderr}`))));
  });
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
