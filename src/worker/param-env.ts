/**
 * A shell task's params as environment variables, `TRIBUTARY_PARAM_<NAME>`: the recommended way to
 * hand params to a script. A variable's value is data wherever the script expands it, quoted
 * (`"$TRIBUTARY_PARAM_NOTE"`), even inside a nested `sh -c '...'`, where a value templated into
 * the command becomes code again (README, "A DAG": what templating guarantees).
 */
export const PARAM_ENV_PREFIX = "TRIBUTARY_PARAM_";

/** `region` -> `TRIBUTARY_PARAM_REGION`; characters other than letters, digits and `_` become `_`. */
export function paramEnvVar(name: string): string {
  return `${PARAM_ENV_PREFIX}${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}

/**
 * The environment with the run's params and without any `TRIBUTARY_PARAM_*` the process itself
 * had (a stale value must not pass for a param). Strings go as they are, other values as JSON
 * (`3`, `true`, `["a","b"]`); a param that is undefined is left out.
 */
export function withParamEnv(env: NodeJS.ProcessEnv, params: Readonly<Record<string, unknown>>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!key.startsWith(PARAM_ENV_PREFIX)) out[key] = value;
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    out[paramEnvVar(name)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
