// `npm test` after the build: the static checks (type-check, lint) beside the vitest suites. The
// main suite waits on child processes, servers and timers for part of its time; the checks run at
// the lowest CPU priority, in the time it leaves a core idle, instead of for a minute before it
// (measured on 2026-12-06: typecheck and lint took 62 s of wall time and 113 CPU-seconds on their
// own). Their output is held back and printed when they end, so that it does not cut into
// vitest's. The isolated suite (it compares timings and restarts PostgreSQL) starts when the main
// suite has ended; checks still running then take only what it leaves idle, as before.
// Exit code: 0 when every part passed, else 1; every part runs even when an earlier one failed.
// Usage: node --import tsx scripts/test.ts [vitest arguments for the main suite]
import { spawn } from "node:child_process";
import { lstatSync, mkdirSync, statfsSync } from "node:fs";
import { constants as osConstants, setPriority } from "node:os";
import { fileURLToPath } from "node:url";

interface Outcome {
  readonly name: string;
  readonly ok: boolean;
  readonly why: string;
}

/**
 * Runs `command`. `beside`: a check beside the suites, at the lowest CPU priority, its output kept
 * and printed when it ends, under its name.
 */
function run(name: string, command: string, args: readonly string[], beside = false): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: beside ? ["ignore", "pipe", "pipe"] : "inherit" });
    // Set before npm starts the tool, which inherits it.
    if (beside && child.pid !== undefined) setPriority(child.pid, osConstants.priority.PRIORITY_LOW);
    const output: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("error", (error) => resolve({ name, ok: false, why: error.message }));
    child.on("close", (code, signal) => {
      const text = Buffer.concat(output).toString("utf8").trim();
      if (beside) process.stdout.write(`\n${name}: ${code === 0 ? "passed" : "FAILED"}${text ? `\n${text}` : ""}\n`);
      resolve({ name, ok: code === 0, why: signal ?? `exit code ${String(code)}` });
    });
  });
}

/**
 * The tests create and drop a PostgreSQL schema per test, hundreds a run. On a server without
 * autovacuum (the development machine's, where CI runs too) the catalogs' dead rows piled up to
 * 560 MB in a day of runs, and every catalog read of every later run (a migration, a connection's
 * first queries) got slower: vacuumed first, so that they hold one run's churn at most. A server that cannot be
 * reached, or a role that may not vacuum them (PostgreSQL then skips with a warning), is the
 * tests' to report, not this step's.
 */
async function vacuumTestCatalogs(): Promise<void> {
  const { default: pg } = await import("pg");
  // Bounded: a server that does not answer must not hold up the suite.
  const client = new pg.Client({
    connectionString: process.env["TRIBUTARY_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test",
    connectionTimeoutMillis: 3_000,
    statement_timeout: 30_000,
  });
  try {
    await client.connect();
    await client.query(`vacuum ${CHURNED_CATALOGS.map((table) => `pg_catalog.${table}`).join(", ")}`);
  } catch {
    // Reported by the tests that need the server.
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The catalogs a schema's creation and drop write to (measured: the ones with dead rows after a day of runs). */
const CHURNED_CATALOGS = ["pg_attribute", "pg_class", "pg_depend", "pg_index", "pg_type", "pg_constraint", "pg_attrdef", "pg_sequence", "pg_namespace", "pg_proc", "pg_statistic", "pg_trigger", "pg_rewrite", "pg_description", "pg_shdepend"];

await vacuumTestCatalogs();

// The services the tests start in their own process run from source; their task processes and
// threads start from the dist/ that `npm test` has just built (runtime/entry-module.ts): starting
// each through tsx cost about three times the CPU, on every task process of the run. Only under
// `npm test`, whose script builds dist/ first: run directly, this script may find a stale one.
if (process.env["npm_lifecycle_event"] === "test") process.env["TRIBUTARY_BUILT_ENTRIES"] = "1";

/**
 * The tests' temporary folders (their SQLite stores, DAG files, browsers' profiles, tsx's cache) go
 * in memory where the machine has it, unless TMPDIR says otherwise: every commit of a SQLite store
 * syncs its file (`synchronous=FULL`), and on this machine's disk those syncs cost the kernel CPU
 * the suite needs (2026-12-07: the conformance and backfill files 31.9 s on disk, 29.3 s in
 * memory). Only a folder of this user's alone (tsx's cache in it is code the tests run), and only
 * with room for the packaged install test's two installs and the browsers (a container's 64 MB
 * /dev/shm has not). Not removed at the end: like /tmp, it keeps tsx's cache from one run to the next.
 */
const MEMORY_TEMP_MIN_FREE = 2 * 1024 ** 3;
function memoryTempDir(): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const dir = `/dev/shm/tributary-tests-${uid}`;
  try {
    const { bavail, bsize } = statfsSync("/dev/shm");
    if (bavail * bsize < MEMORY_TEMP_MIN_FREE) return undefined;
    mkdirSync(dir, { mode: 0o700, recursive: true });
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}
if (process.env["TMPDIR"] === undefined) {
  const dir = memoryTempDir();
  if (dir !== undefined) process.env["TMPDIR"] = dir;
}

// vitest's own entry (its package's `bin`), run with this Node: no npm or npx process in between.
const vitest = [fileURLToPath(new URL("vitest.mjs", import.meta.resolve("vitest/package.json"))), "run"];
const checks = Promise.all(["typecheck", "lint"].map((script) => run(`npm run ${script}`, "npm", ["run", "--silent", script], true)));
const main = await run("vitest (main suite)", process.execPath, [...vitest, ...process.argv.slice(2)]);
const isolated = await run("vitest (isolated suite)", process.execPath, [...vitest, "--config", "vitest.isolated.config.ts"]);
const outcomes = [main, isolated, ...(await checks)];

const failed = outcomes.filter((outcome) => !outcome.ok);
for (const { name, why } of failed) process.stderr.write(`${name} failed (${why})\n`);
process.exitCode = failed.length === 0 ? 0 : 1;
