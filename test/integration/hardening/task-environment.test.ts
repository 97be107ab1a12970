/**
 * Tasks must not see the deployment's credentials (issue 15, item 2): a shell task running
 * `env | grep TRIBUTARY` printed TRIBUTARY_ADMIN_PASSWORD into its log, and any task could read the
 * master key from /proc/<parent pid>/environ. A real `tributary start` is given the master key, the
 * admin password, a database URL with a password and an environment-backend secret; a function
 * task and a shell task look for them everywhere a task can: their own environment, their log, and
 * /proc/<pid>/environ of every ancestor up to and including the service, and of the other
 * Tributary process on the machine (a `tributary api`, which runs no tasks).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecretKey } from "../../../src/secrets/cipher.js";
import { waitFor } from "../../support/wait-for.js";
import { TEST_PG_URL } from "../scale-out-fleet.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const MAIN = join(ROOT, "src/cli/main.ts");
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const DSL = JSON.stringify(join(ROOT, "src/dsl/index.js"));

const KEY = generateSecretKey();
const ADMIN_PASSWORD = "Admin-Pa55word-for-the-env-test";
const DB_PASSWORD = "Db-Pa55word-never-in-a-task";
const ENV_SECRET = "Env-Backend-Secret-Undeclared";
// The test server trusts local connections, so the password in the URL is carried but not checked.
const schema = `task_env_${process.pid}`;
const DB_URL = `${TEST_PG_URL.replace("postgres://postgres@", `postgres://postgres:${DB_PASSWORD}@`)}?schema=${schema}`;
const CREDENTIALS = { TRIBUTARY_SECRET_KEY: KEY, TRIBUTARY_ADMIN_PASSWORD: ADMIN_PASSWORD, TRIBUTARY_DATABASE_URL: DB_URL, TRIBUTARY_SECRET_UNDECLARED: ENV_SECRET };
const SECRET_VALUES = [KEY, ADMIN_PASSWORD, DB_PASSWORD, ENV_SECRET];

let dir: string;
let out: string;
const children = new Set<ChildProcess>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tributary-task-env-"));
  out = join(dir, "out");
  mkdirSync(out);
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
  await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

async function query(sql: string): Promise<{ message: string }[]> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return (await client.query<{ message: string }>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Every task log line the service stored, as any viewer would read them. */
async function storedLogs(): Promise<string> {
  return (await query(`SELECT message FROM ${schema}.task_logs ORDER BY id`)).map((row) => row.message).join("\n");
}

/** The function task's look at its ancestors: /proc/<pid>/environ of up to five of them. */
const ANCESTORS_JS = `
function ancestors() {
  const found = [];
  let pid = process.ppid;
  for (let i = 0; i < 5 && pid > 1; i++) {
    found.push({ pid, environ: fs.readFileSync("/proc/" + pid + "/environ", "latin1") });
    const stat = fs.readFileSync("/proc/" + pid + "/stat", "utf8");
    pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  }
  return found;
}
function tributaryProcesses() {
  const found = [];
  for (const pid of fs.readdirSync("/proc").filter((name) => /^[0-9]+$/.test(name))) {
    let cmdline = "";
    try { cmdline = fs.readFileSync("/proc/" + pid + "/cmdline", "utf8"); } catch { continue; }
    if (cmdline.includes(${JSON.stringify(MAIN)})) found.push({ pid: Number(pid), environ: fs.readFileSync("/proc/" + pid + "/environ", "latin1") });
  }
  return found;
}`;

/** The shell task's: `== <pid>` and that process's environment, for up to five ancestors. */
const ANCESTORS_SH =
  `p=$$; i=0; while [ $i -lt 5 ] && [ "$p" -gt 1 ]; do p=$(awk '{print $4}' /proc/$p/stat); ` +
  `echo "== $p"; tr '\\000' '\\n' < /proc/$p/environ; i=$((i+1)); done`;

function dagFile(): string {
  const outDir = JSON.stringify(out);
  return `import { dag } from ${DSL};
import fs from "node:fs";
${ANCESTORS_JS}
export default dag("env_probe", { schedule: "@daily", startDate: "2024-01-01", catchup: false, defaults: { retries: 0 } }, (d) => {
  d.task("function_task", () => {
    fs.writeFileSync(${outDir} + "/function.json", JSON.stringify({ env: process.env, ancestors: ancestors(), tributary: tributaryProcesses() }));
    console.log(JSON.stringify(process.env));
    return null;
  });
  d.shell("shell_task", {}, ${JSON.stringify(`env > ${out}/shell-env.txt; env | grep TRIBUTARY; ${ANCESTORS_SH} > ${out}/shell-ancestors.tmp; mv ${out}/shell-ancestors.tmp ${out}/shell-ancestors.txt`)});
});
`;
}

/** The ancestors up to and including the service: what is above it is the test's own business. */
function upToService<T extends { pid: number }>(ancestors: readonly T[], servicePid: number | undefined): T[] {
  const index = ancestors.findIndex((a) => a.pid === servicePid);
  expect(index, "the service is among the task's ancestors").toBeGreaterThanOrEqual(0);
  return ancestors.slice(0, index + 1);
}

function parseShellAncestors(text: string): { pid: number; environ: string }[] {
  return text
    .split(/^== /m)
    .filter((part) => part.length > 0)
    .map((part) => ({ pid: Number(part.slice(0, part.indexOf("\n"))), environ: part.slice(part.indexOf("\n") + 1) }));
}

describe("the environment of tasks", () => {
  it("holds none of the deployment's credentials, nor does any process a task can read", { timeout: 120_000 }, async () => {
    const dags = join(dir, "dags");
    mkdirSync(dags);
    writeFileSync(join(dags, "probe.ts"), dagFile());
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TRIBUTARY_")) env[k] = v;
    Object.assign(env, CREDENTIALS, {
      TRIBUTARY_TASK_ENV: "PROBE_ALLOWED, PROBE_PREFIX_*",
      PROBE_ALLOWED: "allowed-value",
      PROBE_PREFIX_ONE: "prefixed-value",
      PROBE_NOT_LISTED: "not-listed-value",
    });
    const script = `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1)))`;
    let output = "";
    const service = (args: readonly string[]) => {
      const child = spawn(process.execPath, ["--import", TSX, "-e", script, ...args, "--dags", dags, "--port", "0"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
      children.add(child);
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      return { child, exited: new Promise<number | null>((r) => child.once("exit", (code) => r(code))) };
    };
    // An API process of the same user on the same machine: not a task's parent, but readable all the same.
    const api = service(["api"]);
    await waitFor(() => output.includes("UI and API at"), { timeoutMs: 60_000, what: () => `the API process:\n${output}` });
    const { child, exited } = service(["start", "--tick-ms", "200"]);

    await waitFor(() => existsSync(join(out, "function.json")) && existsSync(join(out, "shell-ancestors.txt")), {
      timeoutMs: 60_000,
      what: () => `both tasks to report:\n${output}`,
    });
    expect(output).toContain('created user "admin" (admin) with the password from TRIBUTARY_ADMIN_PASSWORD');
    // The API process still has its credentials where it needs them: the admin logs in with the password.
    const apiUrl = (/UI and API at (\S+)/.exec(output)?.[1] ?? "").replace(/\/$/, "");
    const login = await fetch(`${apiUrl}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }) });
    expect(login.status).toBe(200);

    const fn = JSON.parse(readFileSync(join(out, "function.json"), "utf8")) as {
      env: Record<string, string>;
      ancestors: { pid: number; environ: string }[];
      tributary: { pid: number; environ: string }[];
    };
    const shellEnv = readFileSync(join(out, "shell-env.txt"), "utf8");
    // The function task's parent is the service; the shell's are the task process, then the service.
    const fnAncestors = upToService(fn.ancestors, child.pid);
    const shellAncestors = upToService(parseShellAncestors(readFileSync(join(out, "shell-ancestors.txt"), "utf8")), child.pid);
    expect(fnAncestors).toHaveLength(1);
    expect(shellAncestors).toHaveLength(2);

    // Both of this test's services are among the tributary processes the task found (other test
    // files' services may be running too).
    expect(fn.tributary.map((p) => p.pid)).toEqual(expect.arrayContaining([api.child.pid, child.pid]));

    const seen = [JSON.stringify(fn.env), shellEnv, ...[...fnAncestors, ...shellAncestors, ...fn.tributary].map((a) => a.environ)];
    for (const text of seen) {
      expect(text).toMatch(/(^|\0|\n|")PATH[=":]/);
      for (const value of SECRET_VALUES) expect(text).not.toContain(value);
      expect(text).not.toMatch(/(^|\0|\n|")TRIBUTARY_(?!PARAM_)/);
    }
    const logs = await storedLogs();
    expect(logs).toContain("PATH");
    for (const value of SECRET_VALUES) expect(logs).not.toContain(value);

    // What a task needs is still there; the operator's allow-list adds to it, nothing else does.
    expect(fn.env["PATH"]).toBe(process.env["PATH"]);
    expect(fn.env["PROBE_ALLOWED"]).toBe("allowed-value");
    expect(fn.env["PROBE_PREFIX_ONE"]).toBe("prefixed-value");
    expect(fn.env["PROBE_NOT_LISTED"]).toBeUndefined();
    expect(shellEnv).toContain("PROBE_ALLOWED=allowed-value");
    expect(shellEnv).not.toContain("PROBE_NOT_LISTED");

    child.kill("SIGTERM");
    api.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(await api.exited).toBe(0);
  });
});
