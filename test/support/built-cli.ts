/** The built command line (`node bin/tributary.js`, from `npm run build`) as a real process, and a folder per test to run it in. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../src/store/index.js";

const BIN = join(resolve(import.meta.dirname, "../.."), "bin", "tributary.js");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `tributary <args>` run in `cwd`, without TRIBUTARY_DATABASE_URL (each test names its store).
 * Killed after 60 s: a command that loads DAG files and runs tasks takes a second or two alone,
 * many times that beside three other test files on a slow day's 2 cores.
 */
export function runBuiltCli(args: readonly string[], cwd: string): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["TRIBUTARY_DATABASE_URL"];
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") {
        reject(new Error(`tributary ${args.join(" ")} did not exit normally: ${error.message}\n${stderr}`));
        return;
      }
      resolvePromise({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/**
 * Registers hooks giving each test an empty temporary folder with a SQLite store path in it (the
 * CLI creates the store), and opens that store for the test's checks, closing it afterwards.
 */
export function useCliFolder(prefix: string): { readonly dir: string; readonly db: string; openStore(path?: string): Promise<Store> } {
  let dir = "";
  const stores: Store[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get db() {
      return join(dir, "t.db");
    },
    /** The test's store (`db`, unless another path is given). */
    async openStore(path = join(dir, "t.db")) {
      const store = openSqliteStore({ path });
      stores.push(store);
      await store.migrate();
      return store;
    },
  };
}
