/**
 * Issue 15, item 10: `tributary start` (and `scheduler`, `worker`, `api`, `dev`) check every flag
 * before doing anything: a bad value exits 2 naming the flag, with no store created, no task run
 * and no admin created.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliProcess } from "./cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-service-flags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES: readonly (readonly [string, readonly string[], string])[] = [
  ["start", ["--port", "99999"], "port"],
  ["start", ["--port", "-1"], "port"],
  ["start", ["--port", "80a"], "port"],
  ["api", ["--port", "65536"], "port"],
  ["dev", ["--port", "99999"], "port"],
  ["start", ["--host", ""], "host"],
  ["start", ["--base-path", "/a b/"], "base-path"],
  ["start", ["--workers", "0"], "workers"],
  ["worker", ["--concurrency", "1.5"], "concurrency"],
  ["worker", ["--queues", " , "], "queues"],
  ["start", ["--grace", "0"], "grace"],
  ["start", ["--tick-ms", "99999999999"], "tick-ms"],
  ["scheduler", ["--zombie-after", "soon"], "zombie-after"],
  ["scheduler", ["--queued-timeout", "1e400"], "queued-timeout"],
  ["start", ["--log-format", "xml"], "log-format"],
  ["worker", ["--log-retention", "forever"], "log-retention"],
  ["api", ["--trust-proxy", "10.0.0.0/99"], "trust-proxy"],
];

describe("service commands refuse bad flags before any side effect", { timeout: 120_000 }, () => {
  it.each(CASES)("tributary %s %j exits 2 naming --%s", async (command, flags, flag) => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    mkdirSync(join(cwd, "dags"));
    const db = join(cwd, "state", "t.db");
    const result = await runCliProcess([command, "--dags", "dags", "--db", db, ...flags], { cwd, env: { TRIBUTARY_ADMIN_PASSWORD: "a-long-password-1" }, timeoutMs: 60_000 });
    expect(result.stderr).toMatch(new RegExp(`--${flag}\\b|field "${flag}"`));
    expect(result.code).toBe(2);
    expect(existsSync(db)).toBe(false);
    expect(readdirSync(cwd).sort()).toEqual(["dags"]);
  });

  it("TRIBUTARY_TRUST_PROXY is checked like its flag", async () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    mkdirSync(join(cwd, "dags"));
    const result = await runCliProcess(["api", "--dags", "dags", "--db", join(cwd, "t.db")], { cwd, env: { TRIBUTARY_TRUST_PROXY: "everyone" } });
    expect(result.stderr).toContain("TRIBUTARY_TRUST_PROXY must be");
    expect(result.code).toBe(2);
    expect(readdirSync(cwd)).toEqual(["dags"]);
  });

  it.each([
    [`{ alerts: { jira: { url: "jira.example.com", project: "OPS" } } }`, "alerts.jira.url", "alerts.jira.url must be an http(s) URL"],
    [`{ alerts: { slak: "https://hooks" } }`, "alerts.slak", 'unknown alerts setting "slak"'],
    [`{ openLineage: { url: "http://marquez" } }`, "openLineage", 'unknown setting "openLineage"'],
  ])("a config file %s exits 2 naming the file and %s", async (settings, field, message) => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    mkdirSync(join(cwd, "dags"));
    writeFileSync(join(cwd, "tributary.config.mjs"), `export default ${settings};\n`);
    const db = join(cwd, "state", "t.db");
    const result = await runCliProcess(["start", "--dags", "dags", "--db", db], { cwd, env: { TRIBUTARY_ADMIN_PASSWORD: "a-long-password-1" }, timeoutMs: 60_000 });
    expect(result.stderr).toContain(`${join(cwd, "tributary.config.mjs")}, field "${field}": ${message}`);
    expect(result.code).toBe(2);
    expect(existsSync(db)).toBe(false);
  });

  it("TRIBUTARY_PORT (used without --port) is checked like the flag", async () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    mkdirSync(join(cwd, "dags"));
    const result = await runCliProcess(["start", "--dags", "dags", "--db", join(cwd, "t.db")], { cwd, env: { TRIBUTARY_PORT: "80a" } });
    expect(result.stderr).toContain('TRIBUTARY_PORT must be an integer from 0 to 65535, got "80a"');
    expect(result.code).toBe(2);
    expect(readdirSync(cwd)).toEqual(["dags"]);
  });
});
