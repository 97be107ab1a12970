/**
 * Issue 15, item 7: a store URL with a scheme Tributary does not speak is an error (exit 2), never
 * a SQLite file at a path that happens to look like the URL.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { parseStoreLocation } from "../../../src/store/index.js";
import { runCliProcess } from "./cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-store-url-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("store locations", () => {
  it("accepts postgres:// and postgresql:// in any case, and sqlite:/file: paths", () => {
    expect(parseStoreLocation("Postgres://u@h:5432/db?schema=s")).toEqual({ kind: "postgres", url: "postgres://u@h:5432/db", schema: "s", prepare: true });
    expect(parseStoreLocation("POSTGRESQL://u@h/db")).toMatchObject({ kind: "postgres", schema: undefined });
    expect(parseStoreLocation("sqlite:/tmp/a.db")).toEqual({ kind: "sqlite", path: "/tmp/a.db" });
    expect(parseStoreLocation("SQLite::memory:")).toEqual({ kind: "sqlite", path: ":memory:" });
    expect(parseStoreLocation("file:///tmp/b.db")).toEqual({ kind: "sqlite", path: "/tmp/b.db" });
    expect(parseStoreLocation("file:rel/c.db")).toMatchObject({ kind: "sqlite", path: expect.stringMatching(/\/rel\/c\.db$/) });
    expect(parseStoreLocation("plain/path.db")).toMatchObject({ kind: "sqlite", path: expect.stringMatching(/\/plain\/path\.db$/) });
  });

  it("turns prepared statements off with ?prepare=false (PgBouncer in transaction pooling mode), and refuses another value", () => {
    expect(parseStoreLocation("postgres://u@h/db?prepare=false&schema=s")).toEqual({ kind: "postgres", url: "postgres://u@h/db", schema: "s", prepare: false });
    expect(parseStoreLocation("postgres://u@h/db?prepare=true")).toMatchObject({ prepare: true });
    expect(() => parseStoreLocation("postgres://u@h/db?prepare=no")).toThrow(/prepare=no.*true or false/);
  });

  it.each(["mysql://root@localhost/db", "http://example.com/db", "sqlite3://x.db", "postgress://u@h/db", "Redis://h"])("refuses %s", (url) => {
    expect(() => parseStoreLocation(url)).toThrow(/unsupported store URL scheme/);
  });

  it("never shows the password of a refused URL", () => {
    expect(() => parseStoreLocation("mysql://root:hunter2@localhost/db")).toThrow(/^(?!.*hunter2)/s);
  });
});

describe("the CLI with a mistyped store URL", { timeout: 60_000 }, () => {
  it.each([
    ["--db", "mysql://root@localhost/db"],
    ["TRIBUTARY_DATABASE_URL", "mysql://root@localhost/db"],
    ["--db", "Postgress://postgres@127.0.0.1:5432/test"],
  ])("%s %s exits 2 and creates nothing", async (how, url) => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    const args = how === "--db" ? ["pools", "list", "--db", url] : ["pools", "list"];
    const result = await runCliProcess(args, { cwd, env: how === "--db" ? {} : { TRIBUTARY_DATABASE_URL: url } });
    expect(result.stderr).toMatch(/unsupported store URL scheme/);
    expect(result.code).toBe(2);
    expect(readdirSync(cwd)).toEqual([]);
  });

  afterAll(async () => {
    const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/test" });
    await client.connect();
    await client.query("drop schema if exists store_url_case cascade");
    await client.end();
  });

  it("Postgres:// (capitalised) is PostgreSQL, not a folder named Postgres:", async () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    const result = await runCliProcess(["pools", "list", "--db", "Postgres://postgres@127.0.0.1:5432/test?schema=store_url_case"], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
