/**
 * Secret names: what a task lists in its `secrets` option and asks `ctx.secrets.get()` for. A
 * name must be usable as a file name (the files backend) and map to an environment variable (the
 * environment backend, and how shell tasks receive it), so it is kept to a safe alphabet.
 */
import { InvalidInputError } from "../core/errors.js";

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

/** The prefix of the environment backend's variables, and of the variables a shell task gets. */
export const SECRET_ENV_PREFIX = "TRIBUTARY_SECRET_";

export function isSecretName(name: string): boolean {
  return NAME.test(name) && !name.includes("..");
}

export function assertSecretName(name: string, field = "name"): void {
  if (!isSecretName(name)) {
    throw new InvalidInputError(
      `invalid secret name ${JSON.stringify(name)}: use letters, digits, "_", "-" and "." (at most 200 characters)`,
      { field },
    );
  }
}

/** `warehouse_password` -> `TRIBUTARY_SECRET_WAREHOUSE_PASSWORD` (`.` and `-` become `_`). */
export function secretEnvVar(name: string): string {
  return `${SECRET_ENV_PREFIX}${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}
