/**
 * `tributary/testing` works outside vitest: runs a `node:test` file against the built package
 * (`npm run build` first, as `npm test` does) and checks that its tests passed.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

it("runs under node:test", async () => {
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--test", "--test-reporter=tap", "test/fixtures/testing-kit/node-test-runner.ts"],
      { cwd: ROOT, timeout: 30_000 },
      (error, out, err) => done({ code: error ? Number(error.code ?? 1) : 0, stdout: `${out}${err}` }),
    );
  });
  expect(stdout).toMatch(/# pass 2/);
  expect(code, stdout).toBe(0);
});
