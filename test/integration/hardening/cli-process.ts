/**
 * Runs the built CLI (`node bin/tributary.js`, from `npm run build`) as a real process, in a folder
 * of the test's choosing, with no TRIBUTARY_* variables but the ones given: start-up checks must
 * hold for users' shells. (From source through tsx, each start cost about twice the CPU.)
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

const BIN = resolve(import.meta.dirname, "../../../bin/tributary.js");

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCliProcess(args: readonly string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TRIBUTARY_")) env[k] = v;
  Object.assign(env, options.env ?? {});
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // A command that should have refused to start but serves instead: stop it, and let the test fail.
    const timer = setTimeout(() => child.kill("SIGTERM"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
