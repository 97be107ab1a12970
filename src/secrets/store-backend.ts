/**
 * The store backend: secrets kept in the store encrypted with AES-256-GCM under
 * `TRIBUTARY_SECRET_KEY`. Without a key it is off; a process that needs it refuses to start
 * (see secret-config.ts).
 */
import type { Store } from "../store/index.js";
import type { SecretBackend } from "./backend.js";
import { decryptSecret, type SecretKey } from "./cipher.js";

export function storeSecretBackend(store: Store, key: SecretKey): SecretBackend {
  return {
    name: "store",
    describe: (name) => `the store's encrypted secret "${name}"`,
    async get(name) {
      const row = await store.getSecret(name);
      return row === undefined ? undefined : decryptSecret(key, name, row);
    },
    async list() {
      return (await store.listSecrets()).map((s) => s.name);
    },
  };
}
