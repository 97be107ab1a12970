/**
 * A fleet of real `tributary scheduler|worker|start` processes (from dist: `npm run build`) on one
 * PostgreSQL schema of their own, for the scale-out tests. Every process is started in a process
 * group of its own, so `killAll` also reaches the task processes of its pool, whatever state the
 * test left them in. The fleet's own connection reads the shared state for the checks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterEach, beforeAll, expect } from "vitest";
import { waitFor } from "../support/wait-for.js";

// bigint columns (times in ms, ids, counts) as numbers, as the store reads them.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin", "tributary.js");
/** What generated DAG files import `dag` from (tsx resolves the .js specifier to the .ts source). */
export const DSL = join(ROOT, "src", "dsl", "index.js");
export const TEST_PG_URL = process.env["TRIBUTARY_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

export type Role = "scheduler" | "worker" | "start";

/** What a service logs once it runs (cli/commands/start.ts): "tributary worker started: ...". */
const STARTED_LINE = /\btributary [\w +]+ started: /;

export interface FleetProcess {
  readonly role: Role;
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** True while the process has not exited. */
  alive(): boolean;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Fleet {
  readonly schema = `so_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  /** The store URL every process of the fleet is given (`--db`). */
  readonly dbUrl: string;
  readonly dir: string;
  readonly dagsDir: string;
  readonly processes: FleetProcess[] = [];
  readonly #pool: pg.Pool;
  /** Set by `dispose`: no process may start any more (a loop of a timed-out test may still run). */
  disposed = false;
  /** Processes the test stopped on purpose. */
  readonly #stopped = new Set<FleetProcess>();

  constructor(prefix: string) {
    const url = new URL(TEST_PG_URL);
    url.searchParams.set("schema", this.schema);
    this.dbUrl = url.toString();
    this.dir = mkdtempSync(join(tmpdir(), `tributary-${prefix}-`));
    this.dagsDir = join(this.dir, "dags");
    mkdirSync(this.dagsDir);
    this.#pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 2, options: `-c search_path=${this.schema}` });
    // A restart of the server (pg-restart test) drops idle connections: not an error here.
    this.#pool.on("error", () => undefined);
  }

  static checkBuilt(): void {
    if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  }

  /** Starts `tributary <role> --dags <dagsDir> --db <dbUrl> ...args`. */
  spawn(role: Role, args: readonly string[] = [], name = `${role}${this.processes.filter((p) => p.role === role).length + 1}`): FleetProcess {
    if (this.disposed) throw new Error("this fleet was disposed of");
    const child = spawn(process.execPath, [BIN, role, "--dags", this.dagsDir, "--db", this.dbUrl, ...args], {
      cwd: this.dir,
      stdio: ["ignore", "pipe", "pipe"],
      // A process group of its own: afterEach kills the whole group (pool processes included).
      detached: true,
      env: { ...process.env, TRIBUTARY_DATABASE_URL: undefined },
    });
    if (child.pid === undefined) throw new Error(`could not start tributary ${role}`);
    const lines: string[] = [];
    let stderr = "";
    createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    const proc: FleetProcess = {
      role,
      name,
      child,
      pid: child.pid,
      lines,
      exited,
      output: () => `--- ${name} (pid ${child.pid}) ---\n${lines.join("\n")}\n${stderr}`,
      alive: () => child.exitCode === null && child.signalCode === null,
    };
    this.processes.push(proc);
    return proc;
  }

  /** SIGTERM, then waits for the exit (a graceful stop: running tries are recorded). */
  async terminate(proc: FleetProcess, timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.#stopped.add(proc);
    if (!proc.alive()) return proc.exited;
    // A graceful stop is what is asked of a service that runs: one started a moment ago (a killed
    // worker's replacement, at a soak's end) is given the time to start first. Before Node has
    // loaded the CLI, nothing can catch SIGTERM, and the process dies of it (a slow machine's
    // soak saw that: code null, signal SIGTERM).
    await waitFor(() => !proc.alive() || proc.lines.some((line) => STARTED_LINE.test(line)), { timeoutMs, intervalMs: 50, what: () => `${proc.name} to start:\n${proc.output()}` }).catch(() => undefined);
    if (!proc.alive()) return proc.exited;
    proc.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${proc.name} did not exit within ${timeoutMs} ms of SIGTERM:\n${proc.output()}`)), timeoutMs);
    });
    try {
      return await Promise.race([proc.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `kill -9` of the process itself (not its group: its task processes must notice on their own). */
  async kill9(proc: FleetProcess): Promise<void> {
    this.#stopped.add(proc);
    if (!proc.alive()) return;
    proc.child.kill("SIGKILL");
    await proc.exited;
  }

  /** Kills every process group the fleet started, whatever state it is in, and waits for the leaders. */
  async killAll(): Promise<void> {
    for (const proc of this.processes) {
      this.#stopped.add(proc);
      try {
        process.kill(-proc.pid, "SIGKILL");
      } catch {
        // The group is gone already.
      }
    }
    await Promise.all(this.processes.map((p) => Promise.race([p.exited, sleep(5_000)])));
  }

  /**
   * Waits until `check` resolves to true, or throws after `timeoutMs` with `what` and the fleet's
   * output; throws at once if a process exited that nobody stopped (`terminate`, `kill9`, `killAll`).
   */
  async waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 200): Promise<void> {
    await waitFor(
      async () => {
        if (await check()) return true;
        const died = this.processes.find((p) => !p.alive() && !this.#stopped.has(p));
        if (died) throw new Error(`${died.name} exited (${String(died.child.exitCode ?? died.child.signalCode)}) while waiting for ${what}:\n${died.output()}`);
        return false;
      },
      { timeoutMs, intervalMs, what: () => `${what} (${timeoutMs} ms)\n${this.outputs()}` },
    );
  }

  outputs(): string {
    return this.processes.map((p) => p.output().split("\n").slice(-40).join("\n")).join("\n");
  }

  /** Runs SQL on the fleet's schema. */
  async query<R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    const result = await this.#pool.query<R>(text, [...values]);
    return result.rows;
  }

  /** Like `query`, but a missing table (the processes have not migrated yet) or a dropped connection reads as no rows. */
  async tryQuery<R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    try {
      return await this.query<R>(text, values);
    } catch {
      return [];
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.killAll();
    try {
      await this.#pool.query(`drop schema if exists ${this.schema} cascade`);
    } finally {
      await this.#pool.end();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** The process whose worker id (`host:pid:suffix`) this is. */
export function workerPid(workerId: string): number {
  return Number(workerId.split(":").at(-2));
}

export interface TryRow {
  task_instance_id: number;
  try_number: number;
  outcome: string;
  worker_id: string;
  started_at: number;
  ended_at: number | null;
  error_kind: string | null;
}

/**
 * Problems with the recorded tries: a try number twice for one instance, a gap in the numbers, a
 * try still running, or two tries of one instance whose times overlap (the instance ran twice at
 * once). Empty when all is well.
 */
export function tryProblems(tries: readonly TryRow[], options: { allowRunning?: boolean } = {}): string[] {
  const problems: string[] = [];
  const byInstance = new Map<number, TryRow[]>();
  for (const t of tries) {
    const list = byInstance.get(t.task_instance_id) ?? [];
    list.push(t);
    byInstance.set(t.task_instance_id, list);
  }
  for (const [id, list] of byInstance) {
    list.sort((a, b) => a.try_number - b.try_number);
    list.forEach((t, i) => {
      if (t.try_number !== i + 1) problems.push(`instance ${id}: try numbers ${list.map((x) => x.try_number).join(",")}`);
      if (t.ended_at === null && !options.allowRunning) problems.push(`instance ${id}: try ${t.try_number} never ended`);
      const next = list[i + 1];
      if (next && (t.ended_at === null || t.ended_at > next.started_at)) {
        problems.push(`instance ${id}: try ${t.try_number} (${t.started_at}-${t.ended_at ?? "running"}) overlaps try ${next.try_number} (from ${next.started_at})`);
      }
    });
  }
  return problems;
}

/**
 * Problems in a file of marks that tasks append to (`<run> <task> <map> <try> start|end <ms>`):
 * tries of one instance whose real execution overlapped, as the task processes saw it. A try
 * without an end mark (its process was killed) counts as running until `endOf` says it ended.
 */
export function markProblems(text: string, endOf: (key: string, tryNumber: number) => number | undefined = () => undefined): string[] {
  const spans = new Map<string, Map<number, { start?: number; end?: number }>>();
  const problems: string[] = [];
  for (const line of text.split("\n")) {
    const [run, task, map, tryText, what, at] = line.split(" ");
    if (run === undefined || task === undefined || map === undefined || tryText === undefined || at === undefined) continue;
    const key = `${run} ${task} ${map}`;
    const tries = spans.get(key) ?? new Map<number, { start?: number; end?: number }>();
    const span = tries.get(Number(tryText)) ?? {};
    if (what === "start") {
      if (span.start !== undefined) problems.push(`${key} try ${tryText} started twice`);
      span.start = Number(at);
    } else span.end = Number(at);
    tries.set(Number(tryText), span);
    spans.set(key, tries);
  }
  for (const [key, tries] of spans) {
    const list = [...tries].sort((a, b) => a[0] - b[0]);
    for (let i = 0; i + 1 < list.length; i++) {
      const [n, span] = list[i] ?? [0, {}];
      const [m, next] = list[i + 1] ?? [0, {}];
      const end = span.end ?? endOf(key, n);
      if (end === undefined || next.start === undefined || end > next.start) {
        problems.push(`${key}: try ${n} (${span.start ?? "?"}-${end ?? "?"}) overlaps try ${m} (from ${next.start ?? "?"})`);
      }
    }
  }
  return problems;
}

/**
 * The lines a task appends to the marks file when it starts and ends a try (`<run> <task> <map>
 * <try> start|end <ms>`), so a test can see real executions, not only what the store recorded.
 */
export function markingPrelude(marks: string): string {
  return `import { appendFileSync } from "node:fs";
import { dag } from ${JSON.stringify(DSL)};

const MARKS = ${JSON.stringify(marks)};
function mark(ctx: { runId: string; taskId: string; mapIndex: number | null; tryNumber: number }, what: string): void {
  appendFileSync(MARKS, \`\${ctx.runId} \${ctx.taskId} \${ctx.mapIndex ?? -1} \${ctx.tryNumber} \${what} \${Date.now()}\\n\`);
}
async function work(ctx: { runId: string; taskId: string; mapIndex: number | null; tryNumber: number }, sleepMs: number): Promise<string> {
  mark(ctx, "start");
  if (sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, sleepMs));
  mark(ctx, "end");
  return ctx.taskId;
}
`;
}

/**
 * For a test file: checks that dist/ is built, and returns `newFleet(prefix)`; every fleet it made
 * is disposed after each test (its processes killed, its schema dropped), after `beforeDispose`.
 */
export function fleetsPerTest(beforeDispose: () => Promise<void> = () => Promise.resolve()): (prefix: string) => Fleet {
  const fleets: Fleet[] = [];
  beforeAll(() => Fleet.checkBuilt());
  afterEach(async () => {
    await beforeDispose();
    for (const fleet of fleets.splice(0)) await fleet.dispose();
  });
  return (prefix) => {
    const fleet = new Fleet(prefix);
    fleets.push(fleet);
    return fleet;
  };
}

export const num = (rows: readonly { n: number | string }[]): number => Number(rows[0]?.n ?? 0);

export const TRY_COLUMNS = "task_instance_id, try_number, outcome, worker_id, started_at, ended_at, error_kind";

/** Fails the test with every problem found, or passes. */
export function expectNoProblems(problems: readonly string[], what: string): void {
  expect(problems.slice(0, 20), `${what} (${problems.length} in all)`).toEqual([]);
}
