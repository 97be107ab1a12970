/**
 * `tributary init` end to end, as a user would: scaffold a project into a temporary folder, install
 * it against this checkout (`npm pack`, built by `npm run build`), run its generated test, run
 * `hello` once, then start `tributary dev` and see it run `hello` on its schedule.
 *
 * Speed: the install takes its packages from npm's cache (`--prefer-offline`) and skips install
 * scripts, copying this checkout's compiled better-sqlite3 instead: compiling it from source costs
 * about a minute on this machine. TRIBUTARY_INIT_FULL_INSTALL=1 runs the scripts (a full install).
 */
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "tributary.js");
const FULL_INSTALL = process.env["TRIBUTARY_INIT_FULL_INSTALL"] === "1";

let dir: string;
let project: string;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
  delete env["TRIBUTARY_DATABASE_URL"];
  return new Promise((done) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const npm = (args: readonly string[], cwd: string) => run("npm", args, cwd);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-init-"));
  project = join(dir, "my-pipelines");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it("scaffolds a project that installs, passes its test, runs hello, and runs hello under dev", async () => {
  const began = Date.now();
  const packed = await npm(["pack", "--pack-destination", dir, "--silent"], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith(".tgz")) ?? "missing.tgz");

  const init = await run(process.execPath, [BIN, "init", project, "--tributary", `file:${tarball}`], dir);
  expect(init.code, init.stderr).toBe(0);
  expect(init.stdout).toContain("npx tributary dev");
  for (const file of ["package.json", "tsconfig.json", "dags/hello.ts", "tests/hello.test.ts", "README.md"]) {
    expect(existsSync(join(project, file)), file).toBe(true);
  }
  // init never overwrites: a second init in the same folder changes nothing and says why.
  const again = await run(process.execPath, [BIN, "init", project], dir);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/already has package\.json, tsconfig\.json/);

  const install = await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", ...(FULL_INSTALL ? [] : ["--ignore-scripts"])], project);
  expect(install.code, install.stderr).toBe(0);
  if (!FULL_INSTALL) {
    const release = join(project, "node_modules", "better-sqlite3", "build", "Release");
    mkdirSync(release, { recursive: true });
    copyFileSync(join(ROOT, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"), join(release, "better_sqlite3.node"));
  }
  const pkg = JSON.parse(readFileSync(join(project, "node_modules", "tributary", "package.json"), "utf8")) as { version: string };
  expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);

  const test = await npm(["test"], project);
  expect(test.code, `${test.stdout}\n${test.stderr}`).toBe(0);
  expect(test.stdout).toMatch(/# pass 3/);

  const once = await run("npx", ["tributary", "run", "dags/hello.ts", "--logical-date", "2024-03-01", "--json"], project);
  expect(once.code, once.stderr).toBe(0);
  const ran = JSON.parse(once.stdout) as { state: string; tasks: { taskId: string; state: string }[] };
  expect(ran.state).toBe("success");
  expect(ran.tasks.map((t) => [t.taskId, t.state])).toEqual([
    ["say_hello", "success"],
    ["shout", "success"],
  ]);

  // `tributary dev`: hello is @daily without catchup, so dev creates and runs yesterday's run.
  const dev = spawn("npx", ["tributary", "dev", "--port", "0"], { cwd: project, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  dev.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  dev.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => dev.once("exit", (code) => done(code)));
  try {
    const deadline = Date.now() + 30_000;
    let scheduled: string | undefined;
    while (scheduled === undefined) {
      if (Date.now() > deadline) throw new Error(`dev did not run hello; its output:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
      const db = join(project, ".tributary", "tributary.db");
      if (!existsSync(db)) continue;
      const store = openSqliteStore({ path: db });
      try {
        const runs = await store.listRuns({ dagId: "hello" });
        scheduled = runs.find((r) => r.runType === "scheduled" && r.state === "success")?.runId;
      } catch {
        // The tables may not exist yet.
      } finally {
        await store.close();
      }
    }
    expect(output).toMatch(/watching .*dags/);
  } finally {
    // npx runs tributary as its child: signal the whole group.
    if (dev.pid !== undefined) process.kill(-dev.pid, "SIGINT");
    await exited;
  }
  // Keep an eye on the cost of this test (the brief: about a minute at most).
  expect(Date.now() - began).toBeLessThan(90_000);
}, 150_000);
