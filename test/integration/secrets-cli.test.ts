/**
 * `tributary secrets set|list|delete|rotate-key|generate-key`, and `tributary start|worker` with
 * stored secrets and structured logs, as real processes (the built CLI: run `npm run build` first).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSecretKey } from "../../src/secrets/cipher.js";
import { createSecretResolver } from "../../src/secrets/secret-config.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import { waitFor } from "../support/wait-for.js";

const BIN = resolve(import.meta.dirname, "../../bin/tributary.js");
const DSL = resolve(import.meta.dirname, "../../src/dsl/index.ts");
const dir = mkdtempSync(join(tmpdir(), "tributary-secrets-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TRIBUTARY_")) env[k] = v;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

function tributary(args: readonly string[], options: { env?: Record<string, string | undefined>; stdin?: string; cwd?: string } = {}): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? dir,
      env: cleanEnv(options.env ?? {}),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

beforeAll(() => {
  if (!existsSync(join(import.meta.dirname, "../../dist/cli/main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
});

describe("tributary secrets", { timeout: 120_000 }, () => {
  const db = join(dir, "cli.db");
  let key = "";

  it("generate-key, set from stdin (never argv), list without values, delete", async () => {
    const generated = await tributary(["secrets", "generate-key"]);
    expect(generated.code).toBe(0);
    key = generated.stdout.trim();
    expect(() => parseSecretKey(key)).not.toThrow();

    const withoutKey = await tributary(["secrets", "set", "warehouse_password", "--db", db], { stdin: "pw-1\n" });
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toContain("TRIBUTARY_SECRET_KEY is not set");

    const inArgv = await tributary(["secrets", "set", "warehouse_password", "pw-on-the-command-line", "--db", db], { env: { TRIBUTARY_SECRET_KEY: key } });
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toContain("not the command line");

    for (const [name, value] of [["warehouse_password", "Pw-Alpha-0001"], ["api_token", "Tok-Beta-0002"], ["doomed", "Doomed-0003"]]) {
      const set = await tributary(["secrets", "set", name ?? "", "--db", db], { env: { TRIBUTARY_SECRET_KEY: key }, stdin: `${value ?? ""}\n` });
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toContain(`secret ${name ?? ""} stored`);
      expect(set.stdout).not.toContain(value);
    }

    const list = await tributary(["secrets", "list", "--json", "--db", db], { env: { TRIBUTARY_SECRET_KEY: key, TRIBUTARY_SECRET_FROM_ENV: "Env-Value-0004" } });
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { secrets: { name: string; source: string; keyId: string | null }[] };
    expect(listed.secrets.map((s) => [s.name, s.source])).toEqual([
      ["from_env", "environment"],
      ["api_token", "store"],
      ["doomed", "store"],
      ["warehouse_password", "store"],
    ]);
    for (const value of ["Pw-Alpha-0001", "Tok-Beta-0002", "Env-Value-0004"]) expect(list.stdout).not.toContain(value);
    const table = await tributary(["secrets", "list", "--db", db]);
    expect(table.stdout).toContain("warehouse_password");
    expect(table.stdout).not.toContain("Pw-Alpha-0001");

    expect((await tributary(["secrets", "delete", "doomed", "--db", db])).code).toBe(0);
    const again = await tributary(["secrets", "delete", "doomed", "--db", db]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('no stored secret "doomed"');

    // Each change is in the audit log, with the local user as actor and never the value.
    const store = openSqliteStore({ path: db });
    try {
      const entries = (await store.access.listAudit({ actor: "cli" })).map((e) => `${e.action} ${e.target ?? ""}`);
      expect(entries).toEqual(["secret.delete doomed", "secret.set doomed", "secret.set api_token", "secret.set warehouse_password"]);
      expect(JSON.stringify(await store.access.listAudit({}))).not.toMatch(/Pw-Alpha|Tok-Beta|Doomed-0003/);
    } finally {
      await store.close();
    }
  });

  it("a worker refuses to start without the key (or with another key): exit code 2", async () => {
    const dags = join(dir, "empty-dags");
    mkdirSync(dags, { recursive: true });
    const noKey = await tributary(["worker", "--dags", dags, "--db", db]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("the store holds 2 encrypted secret(s) (api_token, warehouse_password) but TRIBUTARY_SECRET_KEY is not set");
    const otherKey = await tributary(["worker", "--dags", dags, "--db", db], { env: { TRIBUTARY_SECRET_KEY: "6f874448044b6bc4f6730c845e153b0942cd98dcb82e373758e8d613b096c31e" } });
    expect(otherKey.code).toBe(2);
    expect(otherKey.stderr).toMatch(/encrypted with key id \w+, but TRIBUTARY_SECRET_KEY has key id/);
    const badKey = await tributary(["start", "--dags", dags, "--db", db, "--port", "0"], { env: { TRIBUTARY_SECRET_KEY: "short" } });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain("TRIBUTARY_SECRET_KEY must be a 256-bit key");
  });

  it("rotate-key re-encrypts everything with the new key; every secret stays readable; a wrong key changes nothing", async () => {
    const newKey = (await tributary(["secrets", "generate-key"])).stdout.trim();
    const wrong = await tributary(["secrets", "rotate-key", "--db", db], { env: { TRIBUTARY_SECRET_KEY: "58bd70f2f6e49cde4506084ba2986a2ad0f896e8b8ba13658084da59b7bade48", TRIBUTARY_NEW_SECRET_KEY: newKey } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("key rotation changed nothing");

    const rotated = await tributary(["secrets", "rotate-key", "--db", db], { env: { TRIBUTARY_SECRET_KEY: key }, stdin: `${newKey}\n` });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`re-encrypted 2 secret(s) with key id ${parseSecretKey(newKey).keyId}`);

    const store = openSqliteStore({ path: db });
    try {
      expect((await store.listSecrets()).map((s) => s.keyId)).toEqual([parseSecretKey(newKey).keyId, parseSecretKey(newKey).keyId]);
      const resolved = await createSecretResolver({ store, env: { TRIBUTARY_SECRET_KEY: newKey } }).resolve(["warehouse_password", "api_token"]);
      expect(resolved).toEqual({ values: { warehouse_password: "Pw-Alpha-0001", api_token: "Tok-Beta-0002" }, unavailable: {} });
      const old = await createSecretResolver({ store, env: { TRIBUTARY_SECRET_KEY: key } }).resolve(["api_token"]);
      expect(old.unavailable["api_token"]).toContain("encrypted with key id");
    } finally {
      await store.close();
    }
    key = newKey;
    for (const file of readdirSync(dir).filter((f) => f.startsWith("cli.db"))) {
      const bytes = readFileSync(join(dir, file));
      for (const value of ["Pw-Alpha-0001", "Tok-Beta-0002", "Doomed-0003"]) expect(bytes.includes(Buffer.from(value))).toBe(false);
    }
  });

  it("start: JSON process logs with run/task/try ids; a task's stored secret is masked in its log and never in the process log", { timeout: 120_000 }, async () => {
    const dags = join(dir, "dags");
    mkdirSync(dags, { recursive: true });
    writeFileSync(
      join(dags, "uses_secret.ts"),
      `import { dag } from ${JSON.stringify(DSL)};
export default dag("uses_secret", { schedule: { every: "1s" }, startDate: "2024-01-01" }, (d) => {
  d.task("connect", { secrets: ["warehouse_password"] }, (ctx) => { ctx.log.info("pw is " + ctx.secrets.get("warehouse_password")); return ctx.runId; });
});
`,
    );
    const child = spawn(
      process.execPath,
      [BIN, "start", "--dags", dags, "--db", db, "--port", "0", "--tick-ms", "200", "--log-format", "json", "--log-retention", "30d"],
      { cwd: dir, env: cleanEnv({ TRIBUTARY_SECRET_KEY: key }), stdio: ["ignore", "pipe", "pipe"] },
    );
    const lines: string[] = [];
    let stderr = "";
    createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    try {
      // A cold `tributary start` and a task process: more than 20 s at load 19 (dev-reload.test.ts).
      await waitFor(() => lines.some((l) => l.includes('"taskId":"connect"')), {
        timeoutMs: 50_000,
        intervalMs: 100,
        what: () => `a log line of the task "connect":\n${lines.join("\n")}\n${stderr}`,
      });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, stderr).toBe(0);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.every((e) => typeof e["time"] === "string" && e["role"] === "start" && typeof e["level"] === "string")).toBe(true);
    // The API listens first (its first admin is created then), the DAG files load, and start says so.
    const messages = entries.map((e) => String(e["msg"]));
    const listening = messages.findIndex((m) => m.startsWith("listening at "));
    const started = messages.findIndex((m) => /^tributary scheduler \+ worker.* started/.test(m));
    expect(listening, messages.join("\n")).toBeGreaterThanOrEqual(0);
    expect(started).toBeGreaterThan(listening);
    const created = entries.find((e) => String(e["msg"]).startsWith("created run"));
    expect(created).toMatchObject({ level: "info", dagId: "uses_secret", runId: expect.stringMatching(/^uses_secret__scheduled__/) });
    const tried = entries.find((e) => e["taskId"] === "connect");
    expect(tried).toMatchObject({ level: "info", dagId: "uses_secret", taskId: "connect", tryNumber: 1, mapIndex: null, outcome: "success" });
    expect(entries.at(-1)?.["msg"]).toBe("tributary stopped");
    expect(lines.join("\n")).not.toContain("Pw-Alpha-0001");

    const store = openSqliteStore({ path: db });
    try {
      const log = await store.readLogs({ runId: String(tried?.["runId"]), taskId: "connect", mapIndex: null });
      expect(log.lines.map((l) => l.message)).toEqual(["pw is ***"]);
    } finally {
      await store.close();
    }
  });
});
