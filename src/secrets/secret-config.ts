/**
 * Puts the backends together from the process's settings: the environment always, the files
 * backend when `--secrets-dir` or `TRIBUTARY_SECRETS_DIR` names a folder, the store backend when
 * `TRIBUTARY_SECRET_KEY` is set. Also the start-up check of `start` and `worker`: a store holding
 * encrypted secrets with no key (or another key) to read them is refused, not discovered later
 * as failing tries.
 */
import { existsSync, statSync } from "node:fs";
import { InvalidInputError } from "../core/errors.js";
import type { Store } from "../store/index.js";
import type { SecretBackend } from "./backend.js";
import { parseSecretKey, SECRET_KEY_ENV, type SecretKey } from "./cipher.js";
import { envSecretBackend } from "./env-backend.js";
import { fileSecretBackend, SECRETS_DIR_ENV } from "./file-backend.js";
import { SecretResolver } from "./resolver.js";
import { storeSecretBackend } from "./store-backend.js";

export interface SecretSettings {
  readonly store: Store;
  readonly env?: NodeJS.ProcessEnv;
  /** The files backend's folder (default `TRIBUTARY_SECRETS_DIR`). */
  readonly dir?: string | undefined;
}

/** The key from `TRIBUTARY_SECRET_KEY`, or undefined when it is not set. Throws when malformed. */
export function secretKeyFrom(env: NodeJS.ProcessEnv = process.env): SecretKey | undefined {
  const text = env[SECRET_KEY_ENV];
  return text === undefined || text.trim() === "" ? undefined : parseSecretKey(text);
}

export function createSecretResolver(settings: SecretSettings): SecretResolver {
  const env = settings.env ?? process.env;
  const backends: SecretBackend[] = [envSecretBackend(env)];
  const notes: string[] = [];
  const dir = settings.dir ?? env[SECRETS_DIR_ENV];
  if (dir !== undefined && dir !== "") backends.push(fileSecretBackend(dir));
  let key: SecretKey | undefined;
  try {
    key = secretKeyFrom(env);
  } catch (error) {
    // A malformed key fails the tries that need a stored secret, with the reason, not the worker.
    backends.push(brokenBackend("store", error instanceof Error ? error.message : String(error)));
    return new SecretResolver(backends, notes);
  }
  if (key) backends.push(storeSecretBackend(settings.store, key));
  else notes.push(`the store's encrypted secrets are not read: ${SECRET_KEY_ENV} is not set`);
  return new SecretResolver(backends, notes);
}

/**
 * What `tributary start` and `tributary worker` check before running tasks. Throws an
 * `InvalidInputError` (exit code 2) when the store holds secrets that this process could not
 * decrypt, or when the secrets folder does not exist.
 */
export async function assertSecretsUsable(settings: SecretSettings): Promise<void> {
  const env = settings.env ?? process.env;
  const dir = settings.dir ?? env[SECRETS_DIR_ENV];
  if (dir !== undefined && dir !== "" && !(existsSync(dir) && statSync(dir).isDirectory())) {
    throw new InvalidInputError(`the secrets folder ${dir} does not exist (--secrets-dir or ${SECRETS_DIR_ENV})`, { field: "secrets-dir" });
  }
  const key = secretKeyFrom(env);
  const stored = await settings.store.listSecrets();
  if (stored.length === 0) return;
  const names = stored.map((s) => s.name);
  const shown = names.length > 5 ? `${names.slice(0, 5).join(", ")}, ...` : names.join(", ");
  if (!key) {
    throw new InvalidInputError(
      `the store holds ${stored.length} encrypted secret(s) (${shown}) but ${SECRET_KEY_ENV} is not set: ` +
        "set the key they were stored with, or remove them with `tributary secrets delete`",
      { field: SECRET_KEY_ENV },
    );
  }
  const foreign = stored.filter((s) => s.keyId !== key.keyId);
  if (foreign.length > 0) {
    throw new InvalidInputError(
      `${foreign.length} stored secret(s) (${foreign.map((s) => s.name).slice(0, 5).join(", ")}) are encrypted with key id ` +
        `${foreign[0]?.keyId ?? "?"}, but ${SECRET_KEY_ENV} has key id ${key.keyId}: set the key they were stored with`,
      { field: SECRET_KEY_ENV },
    );
  }
}

function brokenBackend(name: string, reason: string): SecretBackend {
  return {
    name,
    describe: () => `the ${name} backend (${reason})`,
    get: () => Promise.reject(new Error(reason)),
    list: () => Promise.resolve([]),
  };
}
