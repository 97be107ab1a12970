/**
 * Secrets end to end (docs/secrets.md), on SQLite and PostgreSQL: a run whose tasks read secrets
 * from the environment and the encrypted store, print them, fail with them and return them. The
 * stored logs, errors and results show `***`; the database holds no secret in plain text; shell
 * tasks get secrets through their environment, never their command line.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDag, loadDagFile } from "../../src/dsl/load.js";
import { runToCompletion, type CompletedRun } from "../../src/app/run-to-completion.js";
import { generateSecretKey, parseSecretKey } from "../../src/secrets/cipher.js";
import { setStoredSecret } from "../../src/secrets/secret-admin.js";
import type { Store } from "../../src/store/index.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { TEST_PG_URL } from "../conformance/stores.js";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/secrets-dags/secrets.ts");
const PASSWORD = "Zebra-Hunter2-s3cr3t!";
const TOKEN = "tok_9f8e7d6c5b4a-stored";
const KEY = generateSecretKey();

const dir = mkdtempSync(join(tmpdir(), "tributary-secrets-it-"));
const saved = { ...process.env };

beforeAll(() => {
  // The worker of `runToCompletion` (what `tributary run` uses) resolves secrets from this process's settings.
  process.env["TRIBUTARY_SECRET_WAREHOUSE_PASSWORD"] = PASSWORD;
  process.env["TRIBUTARY_SECRET_KEY"] = KEY;
  process.env["TRIBUTARY_SECRET_UNRELATED"] = "not for tasks";
  // Task processes get an allow-listed environment: the fixture's tasks need this one.
  process.env["TRIBUTARY_TASK_ENV"] = "SECRETS_TEST_OUT";
});

afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

async function runSecretsDag(store: Store, out: string): Promise<CompletedRun> {
  await setStoredSecret(store, parseSecretKey(KEY), "stored_token", TOKEN, new Date());
  process.env["SECRETS_TEST_OUT"] = out;
  const loaded = findDag(await loadDagFile(FIXTURE), "secrets");
  return runToCompletion({ store, dag: loaded.dag, file: loaded.file, params: {}, concurrency: 2, logicalDate: "2024-03-01" });
}

async function logOf(store: Store, runId: string, taskId: string): Promise<string> {
  return (await store.readLogs({ runId, taskId, mapIndex: null })).lines.map((l) => l.message).join("\n");
}

async function checkRun(store: Store, completed: CompletedRun, out: string): Promise<void> {
  const byId = new Map(completed.instances.map((ti) => [ti.taskId, ti]));
  const runId = completed.run.runId;

  // A task that prints the secret and fails with it: *** in its log (ctx.log, stdout, stderr, the error) and error.
  const prints = byId.get("prints");
  expect(prints?.state).toBe("failed");
  expect(prints?.error).toBe("login failed for password ***");
  const printsLog = await logOf(store, runId, "prints");
  expect(printsLog).toContain("connecting with password ***");
  expect(printsLog).toContain('{"password":"***"}');
  expect(printsLog).toContain("stderr: ***");
  expect(printsLog).toContain("login failed for password ***");
  expect(printsLog).not.toContain(PASSWORD);
  const tries = await store.listTries(prints?.id ?? -1);
  expect(tries[0]?.error).toBe("login failed for password ***");
  expect((await store.listDeadLetters({ open: true })).find((d) => d.taskId === "prints")?.error).toBe("login failed for password ***");

  // Results as stored: masked; the store backend's secret was found and decrypted.
  expect(byId.get("returns")).toMatchObject({ state: "success", result: { dsn: "postgres://loader:***@warehouse/db", token: "***", has: true } });

  // Clear errors naming the secret and the task.
  expect(byId.get("undeclared")?.error).toContain('secret "stored_token" is not declared by task "undeclared" of DAG "secrets"');
  expect(byId.get("missing")?.error).toContain('secret "not_set_anywhere" is not set: looked for environment variable TRIBUTARY_SECRET_NOT_SET_ANYWHERE');
  expect(byId.get("missing")?.error).toContain('(needed by task "missing" of DAG "secrets")');

  // Task processes do not inherit the worker's secrets or its key.
  expect(byId.get("env_leak")).toMatchObject({ state: "success", result: [] });

  // The shell task got the value through its environment; its command line holds only the reference.
  expect(byId.get("shell_env")?.state).toBe("success");
  expect(readFileSync(join(out, "value"), "utf8")).toBe(PASSWORD);
  const argv = readFileSync(join(out, "cmdline"), "utf8");
  expect(argv).toContain("${TRIBUTARY_SECRET_WAREHOUSE_PASSWORD}");
  expect(argv).not.toContain(PASSWORD);
  expect(readFileSync(join(out, "env"), "utf8").trim().split("\n")).toEqual(["TRIBUTARY_SECRET_WAREHOUSE_PASSWORD"]);
  expect(await logOf(store, runId, "shell_env")).toBe("the password is ***");
  expect(byId.get("shell_env")?.result).toBe("the password is ***");
}

describe("secrets end to end", () => {
  it("SQLite: masked logs, errors and results; the database file holds no secret in plain text", async () => {
    const out = mkdtempSync(join(dir, "out-"));
    const dbPath = join(dir, "secrets.db");
    const store = openSqliteStore({ path: dbPath });
    await store.migrate();
    try {
      await checkRun(store, await runSecretsDag(store, out), out);
    } finally {
      await store.close();
    }
    // Every file of the database (the WAL too, if one is left), byte for byte.
    const files = readdirSync(dir).filter((f) => f.startsWith("secrets.db"));
    expect(files).toContain("secrets.db");
    for (const file of files) {
      const bytes = readFileSync(join(dir, file));
      for (const secret of [PASSWORD, TOKEN, KEY]) {
        expect(bytes.includes(Buffer.from(secret, "utf8")), `${file} holds ${secret}`).toBe(false);
        expect(bytes.includes(Buffer.from(secret, "utf16le")), `${file} holds ${secret} (UTF-16)`).toBe(false);
      }
    }
    expect(existsSync(dbPath)).toBe(true);
  });

  it("PostgreSQL: the same, and the secrets table holds only ciphertext", async () => {
    const out = mkdtempSync(join(dir, "out-"));
    const schema = `t_secrets_${process.pid}_${Date.now()}`;
    const store = openPostgresStore({ url: TEST_PG_URL, schema, maxConnections: 4 });
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      const report = await store.migrate();
      expect(report.error).toBeUndefined();
      await checkRun(store, await runSecretsDag(store, out), out);

      const rows = await client.query<{ name: string; ciphertext: string; iv: string; tag: string; key_id: string }>(
        `select name, ciphertext, iv, tag, key_id from ${schema}.secrets`,
      );
      expect(rows.rows.map((r) => r.name)).toEqual(["stored_token"]);
      const [row] = rows.rows;
      expect(Buffer.from(row?.ciphertext ?? "", "base64").length).toBe(Buffer.byteLength(TOKEN));
      expect(row?.key_id).toBe(parseSecretKey(KEY).keyId);
      // No table of the schema holds a secret in plain text.
      const tables = await client.query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'`,
        [schema],
      );
      for (const { name } of tables.rows) {
        const dump = await client.query<{ row: string }>(`select t::text as row from ${schema}."${name}" t`);
        const text = dump.rows.map((r) => r.row).join("\n");
        for (const secret of [PASSWORD, TOKEN, KEY]) expect(text.includes(secret), `table ${name} holds ${secret}`).toBe(false);
      }
    } finally {
      await store.close();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  });
});
