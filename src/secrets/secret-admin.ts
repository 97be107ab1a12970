/**
 * What `tributary secrets set|list|delete|rotate-key` do to the store backend, apart from the
 * command line: encrypting under the current key, refusing to mix keys, and re-encrypting every
 * secret in one transaction.
 */
import { InvalidInputError } from "../core/errors.js";
import type { Store, StoredSecret } from "../store/index.js";
import { decryptSecret, encryptSecret, SECRET_KEY_ENV, SecretIntegrityError, SecretKeyMismatchError, type SecretKey } from "./cipher.js";
import { assertSecretName } from "./names.js";

export async function setStoredSecret(store: Store, key: SecretKey, name: string, value: string, now: Date): Promise<void> {
  assertSecretName(name);
  const foreign = (await store.listSecrets()).find((s) => s.keyId !== key.keyId && s.name !== name);
  if (foreign) {
    throw new InvalidInputError(
      `the store's secrets are encrypted with key id ${foreign.keyId}, but ${SECRET_KEY_ENV} has key id ${key.keyId}: ` +
        "set the key they were stored with (mixing keys would make some secrets unreadable)",
      { field: SECRET_KEY_ENV },
    );
  }
  await store.putSecret({ name, ...encryptSecret(key, name, value), updatedAt: now });
}

/**
 * Re-encrypts every stored secret with `next`, in one transaction: each is decrypted with
 * `current` (or with `next`, if it already is under it) and written back; if any cannot be
 * decrypted, nothing changes. Then reads every secret back with `next` to prove it.
 */
export async function rotateSecretKey(store: Store, current: SecretKey, next: SecretKey, now: Date): Promise<number> {
  let count: number;
  try {
    count = await store.rewriteSecrets((secret: StoredSecret) => {
      const value = decryptSecret(secret.keyId === next.keyId ? next : current, secret.name, secret);
      return { name: secret.name, ...encryptSecret(next, secret.name, value), updatedAt: now };
    });
  } catch (error) {
    if (error instanceof SecretKeyMismatchError || error instanceof SecretIntegrityError) {
      throw new InvalidInputError(`key rotation changed nothing: ${error.message}`, { field: SECRET_KEY_ENV });
    }
    throw error;
  }
  for (const secret of await store.listSecrets()) decryptSecret(next, secret.name, secret);
  return count;
}
