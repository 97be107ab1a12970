/**
 * The environment of task processes: an allow-list, not the worker's environment minus a few
 * names. DAG authors are trusted to run code, not to hold the deployment's credentials (the master
 * key, the admin password, the database URL, every environment-backend secret): a variable the
 * operator did not mean for tasks never reaches them, whatever it is called (docs/secrets.md).
 *
 * - Always passed, when the worker has them: what programs need to run at all (`PATH`, `HOME`,
 *   user, shell, locale, time zone, temporary folders, terminal), network settings (proxies, CA
 *   bundles) and `NODE_OPTIONS` / `NODE_EXTRA_CA_CERTS` (task processes are Node processes).
 * - `TRIBUTARY_TASK_ENV`: the operator's additions, names separated by commas or spaces, a trailing
 *   `*` for a prefix (`AWS_PROFILE, AWS_REGION, PG*`; `*` alone passes everything but Tributary's
 *   own). `TRIBUTARY_*` entries are refused and such variables never pass: what a task gets of
 *   Tributary's own it gets on purpose (its declared secrets, a shell task's `TRIBUTARY_PARAM_*`).
 */
import { InvalidInputError } from "../core/errors.js";

export const TASK_ENV_ALLOW_LIST_ENV = "TRIBUTARY_TASK_ENV";

/** The variables every task gets (names, or prefixes ending in `*`). */
export const DEFAULT_TASK_ENV: readonly string[] = [
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD", "TERM",
  "LANG", "LANGUAGE", "LC_*", "TZ",
  "TMPDIR", "TMP", "TEMP",
  "http_proxy", "https_proxy", "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
  "SSL_CERT_FILE", "SSL_CERT_DIR",
  "NODE_OPTIONS", "NODE_EXTRA_CA_CERTS",
];

/** Tells whether a variable passes to tasks. */
export type EnvAllowList = (name: string) => boolean;

/** The allow-list of `TRIBUTARY_TASK_ENV` plus the defaults. Throws on a `TRIBUTARY_*` entry or a malformed one. */
export function taskEnvAllowList(env: NodeJS.ProcessEnv = process.env): EnvAllowList {
  const extra = (env[TASK_ENV_ALLOW_LIST_ENV] ?? "").split(/[\s,]+/).filter((entry) => entry !== "");
  for (const entry of extra) {
    if (!/^([A-Za-z_][A-Za-z0-9_]*\*?|\*)$/.test(entry)) {
      throw new InvalidInputError(`${TASK_ENV_ALLOW_LIST_ENV}: "${entry}" is not a variable name (letters, digits, _; a trailing * for a prefix)`, { field: TASK_ENV_ALLOW_LIST_ENV });
    }
    if (entry.toUpperCase().startsWith("TRIBUTARY_")) {
      throw new InvalidInputError(`${TASK_ENV_ALLOW_LIST_ENV}: "${entry}" would hand Tributary's own settings to tasks; declare secrets on the task instead (docs/secrets.md)`, { field: TASK_ENV_ALLOW_LIST_ENV });
    }
  }
  const entries = [...DEFAULT_TASK_ENV, ...extra];
  const names = new Set(entries.filter((entry) => !entry.endsWith("*")));
  const prefixes = entries.filter((entry) => entry.endsWith("*")).map((entry) => entry.slice(0, -1));
  return (name) => !name.startsWith("TRIBUTARY_") && (names.has(name) || prefixes.some((prefix) => name.startsWith(prefix)));
}

/** The environment a task process is forked with: the variables of `env` that the allow-list passes. */
export function taskProcessEnv(env: NodeJS.ProcessEnv = process.env, allow: EnvAllowList = taskEnvAllowList(env)): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => allow(name)));
}
