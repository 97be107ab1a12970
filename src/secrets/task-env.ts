/**
 * The environment of task processes: the worker's own, minus the environment backend's secrets
 * and the encryption key. A task then reaches only the secrets it declared (through `ctx.secrets`,
 * or a shell task's variables), never every `TRIBUTARY_SECRET_*` of the worker.
 */
import { SECRET_ENV_PREFIX } from "./names.js";

export function taskProcessEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith(SECRET_ENV_PREFIX)));
}
