/**
 * Where each secret comes from, never its value: what `tributary secrets list` prints and
 * `GET /api/v1/secrets` answers. One row per backend that holds a name, in the order the
 * resolver asks them (environment, files, store), so the first row of a name is the one tasks get.
 */
import type { Store } from "../store/index.js";
import type { SecretResolver } from "./resolver.js";

export interface SecretSource {
  readonly name: string;
  /** The backend that holds it: `environment`, `files` or `store`. */
  readonly source: string;
  /** For the store: the id of the key it is encrypted with. */
  readonly keyId: string | null;
  /** For the store: when it was last set. */
  readonly updatedAt: Date | null;
  /** The backend asked before this one that holds the same name (tasks get that value), or null. */
  readonly overriddenBy: string | null;
}

export async function listSecretSources(store: Store, resolver: SecretResolver): Promise<SecretSource[]> {
  const stored = new Map((await store.listSecrets()).map((s) => [s.name, s]));
  const rows: SecretSource[] = [];
  const firstSource = new Map<string, string>();
  const add = (name: string, source: string) => {
    const row = source === "store" ? stored.get(name) : undefined;
    rows.push({ name, source, keyId: row?.keyId ?? null, updatedAt: row?.updatedAt ?? null, overriddenBy: firstSource.get(name) ?? null });
    if (!firstSource.has(name)) firstSource.set(name, source);
  };
  for (const backend of resolver.backends) {
    for (const name of backend.name === "store" ? [...stored.keys()] : await backend.list()) add(name, backend.name);
  }
  // Stored secrets are listed even when no key is set: names and key ids are not secret.
  if (!resolver.backends.some((b) => b.name === "store")) for (const name of stored.keys()) add(name, "store");
  return rows;
}
