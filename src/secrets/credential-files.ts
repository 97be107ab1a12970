/**
 * The deployment's credentials from files: `TRIBUTARY_SECRET_KEY_FILE=/run/secrets/key` instead of
 * the key itself in `TRIBUTARY_SECRET_KEY`. A value given in the environment sits in the
 * environment of every process that started Tributary (a shell, npm, a container's init), where
 * tasks of the same user can read it in /proc/<pid>/environ; a value read from a file was never in
 * any environment. Read once, when a command starts, into this process's `process.env` (the heap,
 * not the exec-time environment that /proc shows, and tasks get an allow-listed environment).
 */
import { readFileSync } from "node:fs";
import { InvalidInputError } from "../core/errors.js";

/** The variables that may come from a file named by `<NAME>_FILE`. */
export const CREDENTIAL_VARIABLES = ["TRIBUTARY_SECRET_KEY", "TRIBUTARY_NEW_SECRET_KEY", "TRIBUTARY_ADMIN_PASSWORD", "TRIBUTARY_DATABASE_URL"] as const;

/** Sets each credential whose `_FILE` variable is set from that file (one trailing newline dropped). */
export function readCredentialFiles(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of CREDENTIAL_VARIABLES) {
    const fileVariable = `${name}_FILE`;
    const path = env[fileVariable];
    if (path === undefined || path === "") continue;
    if (env[name] !== undefined && env[name] !== "") {
      throw new InvalidInputError(`set ${name} or ${fileVariable}, not both`, { field: fileVariable });
    }
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidInputError(`${fileVariable}: cannot read ${path}: ${reason}`, { field: fileVariable });
    }
    const value = text.replace(/\r?\n$/, "");
    if (value === "") throw new InvalidInputError(`${fileVariable}: ${path} is empty`, { field: fileVariable });
    env[name] = value;
  }
}
