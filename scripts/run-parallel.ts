// Runs several npm scripts at once and fails if any of them fails: `npm test` type-checks and
// lints side by side, two single-threaded jobs that fill both cores of a small CI machine.
// Usage: node --import tsx scripts/run-parallel.ts typecheck lint
import { spawn } from "node:child_process";

const scripts = process.argv.slice(2);
interface Result {
  readonly script: string;
  readonly ok: boolean;
  readonly why: string;
}

const results = await Promise.all(
  scripts.map(
    (script) =>
      new Promise<Result>((resolve) => {
        const child = spawn("npm", ["run", "--silent", script], { stdio: "inherit" });
        child.on("exit", (code, signal) => resolve({ script, ok: code === 0, why: signal ?? `exit code ${String(code)}` }));
        child.on("error", (error) => resolve({ script, ok: false, why: error.message }));
      }),
  ),
);
const failed = results.filter((result) => !result.ok);
for (const { script, why } of failed) process.stderr.write(`npm run ${script} failed (${why})\n`);
process.exitCode = failed.length === 0 ? 0 : 1;
