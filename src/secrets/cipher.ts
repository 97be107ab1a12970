/**
 * AES-256-GCM for the store backend. Each secret gets a fresh 96-bit IV; its name is the
 * additional authenticated data, so a ciphertext copied onto another name's row fails to decrypt
 * instead of handing one secret's value out under another name. The key id (a hash of the key,
 * not the key) tells which key encrypted a row, so a wrong key is named as such.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { InvalidInputError } from "../core/errors.js";
import { isWeakKey } from "./key-strength.js";

/** A parsed `TRIBUTARY_SECRET_KEY`. */
export interface SecretKey {
  readonly key: Buffer;
  readonly keyId: string;
}

/** What the store keeps for one secret: base64 text, never the value. */
export interface EncryptedSecret {
  readonly ciphertext: string;
  readonly iv: string;
  readonly tag: string;
  readonly keyId: string;
}

export const SECRET_KEY_ENV = "TRIBUTARY_SECRET_KEY";

/** A 32-byte key written as 64 hex digits or as base64 (`tributary secrets generate-key`). */
export function parseSecretKey(text: string, source = SECRET_KEY_ENV): SecretKey {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) key = Buffer.from(trimmed, "base64");
  if (key?.length !== 32) {
    throw new InvalidInputError(
      `${source} must be a 256-bit key: 64 hex digits or 44 base64 characters (make one with \`tributary secrets generate-key\`)`,
      { field: source },
    );
  }
  if (isWeakKey(key)) {
    throw new InvalidInputError(
      `${source} has too little entropy to be a random key (all zeros, a repeated pattern or a sequence): use \`tributary secrets generate-key\``,
      { field: source },
    );
  }
  return { key, keyId: keyIdOf(key) };
}

export function generateSecretKey(): string {
  return randomBytes(32).toString("base64");
}

function keyIdOf(key: Buffer): string {
  return createHash("sha256").update("tributary secret key id\0").update(key).digest("hex").slice(0, 16);
}

export function encryptSecret(key: SecretKey, name: string, value: string): EncryptedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(name, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return {
    ciphertext: ciphertext.toString("base64"),
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    keyId: key.keyId,
  };
}

export function decryptSecret(key: SecretKey, name: string, secret: EncryptedSecret): string {
  if (secret.keyId !== key.keyId) {
    throw new SecretKeyMismatchError(name, secret.keyId, key.keyId);
  }
  const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(secret.iv, "base64"));
  decipher.setAAD(Buffer.from(name, "utf8"));
  decipher.setAuthTag(Buffer.from(secret.tag, "base64"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(secret.ciphertext, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretIntegrityError(name);
  }
}

export class SecretKeyMismatchError extends Error {
  constructor(name: string, storedKeyId: string, givenKeyId: string) {
    super(
      `secret "${name}" is encrypted with key id ${storedKeyId}, but ${SECRET_KEY_ENV} has key id ${givenKeyId}: ` +
        "set the key it was stored with (or finish `tributary secrets rotate-key`)",
    );
    this.name = "SecretKeyMismatchError";
  }
}

/** The ciphertext does not decrypt under the key its id names: altered, or copied from another secret. */
export class SecretIntegrityError extends Error {
  constructor(name: string) {
    super(`secret "${name}" failed its integrity check: the stored ciphertext was altered or belongs to another secret`);
    this.name = "SecretIntegrityError";
  }
}
