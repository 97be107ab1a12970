/**
 * The environment backend: `TRIBUTARY_SECRET_WAREHOUSE_PASSWORD` holds the secret
 * `warehouse_password`. Names are matched case-insensitively, `.` and `-` as `_`.
 */
import type { SecretBackend } from "./backend.js";
import { SECRET_KEY_ENV } from "./cipher.js";
import { SECRET_ENV_PREFIX, secretEnvVar } from "./names.js";

export function envSecretBackend(env: NodeJS.ProcessEnv = process.env): SecretBackend {
  return {
    name: "environment",
    describe: (name) => `environment variable ${secretEnvVar(name)}`,
    // A secret named "key" must not hand out the encryption key.
    get: (name) => Promise.resolve(secretEnvVar(name) === SECRET_KEY_ENV ? undefined : env[secretEnvVar(name)]),
    list: () =>
      Promise.resolve(
        Object.keys(env)
          // The encryption key shares the prefix but is not a secret a task may read.
          .filter((key) => key.startsWith(SECRET_ENV_PREFIX) && key !== SECRET_KEY_ENV && env[key] !== undefined)
          .map((key) => key.slice(SECRET_ENV_PREFIX.length).toLowerCase())
          .sort(),
      ),
  };
}
