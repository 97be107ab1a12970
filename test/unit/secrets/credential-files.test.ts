import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TributaryError } from "../../../src/core/errors.js";
import { readCredentialFiles } from "../../../src/secrets/credential-files.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-credential-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function failure(env: NodeJS.ProcessEnv): TributaryError {
  try {
    readCredentialFiles(env);
  } catch (error) {
    if (error instanceof TributaryError) return error;
  }
  throw new Error("expected readCredentialFiles to refuse");
}

describe("credentials from files (<NAME>_FILE)", () => {
  it("reads the key, the admin password and the database URL, dropping one trailing newline", () => {
    const env: NodeJS.ProcessEnv = {
      TRIBUTARY_SECRET_KEY_FILE: file("key", "k".repeat(44) + "\n"),
      TRIBUTARY_ADMIN_PASSWORD_FILE: file("admin", "pass word\n\n"),
      TRIBUTARY_DATABASE_URL_FILE: file("db", "postgres://u:pw@db/t"),
    };
    readCredentialFiles(env);
    expect(env["TRIBUTARY_SECRET_KEY"]).toBe("k".repeat(44));
    expect(env["TRIBUTARY_ADMIN_PASSWORD"]).toBe("pass word\n");
    expect(env["TRIBUTARY_DATABASE_URL"]).toBe("postgres://u:pw@db/t");
  });

  it("refuses both forms at once, a missing file and an empty one, naming the variable", () => {
    const both = failure({ TRIBUTARY_SECRET_KEY: "x", TRIBUTARY_SECRET_KEY_FILE: file("k2", "y") });
    expect(both.code).toBe("INVALID_INPUT");
    expect(both.message).toBe("set TRIBUTARY_SECRET_KEY or TRIBUTARY_SECRET_KEY_FILE, not both");
    expect(failure({ TRIBUTARY_ADMIN_PASSWORD_FILE: join(dir, "absent") }).message).toMatch(/^TRIBUTARY_ADMIN_PASSWORD_FILE: cannot read .*absent: ENOENT/);
    expect(failure({ TRIBUTARY_DATABASE_URL_FILE: file("empty", "\n") }).message).toMatch(/^TRIBUTARY_DATABASE_URL_FILE: .*empty is empty$/);
  });
});
