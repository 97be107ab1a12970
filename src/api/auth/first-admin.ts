/**
 * The first start of a deployment creates its admin: with the password from
 * `TRIBUTARY_ADMIN_PASSWORD`, or a generated one-time password printed once, which must be
 * changed at the first login. There is never a default password.
 */
import type { Store } from "../../store/index.js";
import { InvalidInputError } from "../../core/errors.js";
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from "../../access/passwords.js";

export interface FirstAdmin {
  readonly username: string;
  /** Set when the password was generated: show it to the operator, once. */
  readonly oneTimePassword: string | undefined;
}

export async function ensureFirstAdmin(store: Store, env: NodeJS.ProcessEnv, now: Date): Promise<FirstAdmin | undefined> {
  if ((await store.access.countUsers()) > 0) return undefined;
  const username = env.TRIBUTARY_ADMIN_USER ?? "admin";
  const given = env.TRIBUTARY_ADMIN_PASSWORD;
  if (given !== undefined && given.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidInputError(`TRIBUTARY_ADMIN_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters`, { field: "TRIBUTARY_ADMIN_PASSWORD" });
  }
  const password = given ?? generatePassword();
  try {
    await store.access.createUser({ username, role: "admin", passwordHash: await hashPassword(password), mustChangePassword: given === undefined, now });
  } catch (error) {
    // Another process starting at the same moment created it first.
    if ((await store.access.countUsers()) > 0) return undefined;
    throw error;
  }
  return { username, oneTimePassword: given === undefined ? password : undefined };
}
