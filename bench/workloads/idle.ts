/**
 * idle: `tributary start` with the examples folder (the real CLI, from dist/), left to settle (the
 * runs due at start finish, then nothing happens): its resident memory. `rss_mb` is the service
 * process; `rss_tree_mb` adds its warm task processes (one per worker slot, 4 by default).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { storeLocation, dropSchema } from "./util.js";
import type { BenchResult, WorkloadContext } from "./types.js";

const ROOT = resolve(import.meta.dirname, "../..");

export async function idle(context: WorkloadContext): Promise<BenchResult[]> {
  const bin = join(ROOT, "bin", "tributary.js");
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("idle: dist/ is missing: run `npm run build` first");
  const settleMs = context.smoke ? 1_500 : 20_000;
  const { location, schema } = storeLocation(context, "idle");
  // The smoke run keeps one task process: it checks the code, not the figure.
  const slots = context.smoke ? ["--workers", "1"] : [];
  // With the 2 MB young generation that `npm start` (and docs/deploy.md's NODE_OPTIONS) give it.
  const child = spawn(process.execPath, ["--max-semi-space-size=2", bin, "start", "--dags", join(ROOT, "examples"), "--db", location, ...slots], {
    cwd: context.dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes("started:")) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`idle: tributary start did not start:\n${output}`);
      await sleep(100);
    }
    await sleep(settleMs);
    const pid = child.pid as number;
    const own = rssMb(pid);
    const tree = own + descendants(pid).reduce((sum, p) => sum + rssMb(p), 0);
    return [
      { name: "idle", store: context.store, metric: "rss_mb", value: own, unit: "MB", baseline: null, ratio: null },
      { name: "idle", store: context.store, metric: "rss_tree_mb", value: tree, unit: "MB", baseline: null, ratio: null },
    ];
  } finally {
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(30_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
    await dropSchema(context.pgUrl, schema);
  }
}

/** Resident set of a process, in MiB, from /proc (Linux). */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : 0;
}

function descendants(pid: number): number[] {
  let listed: string;
  try {
    listed = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
  } catch {
    return [];
  }
  const children = listed.trim().split(/\s+/).filter(Boolean).map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}
