/**
 * API tokens and session ids: random values shown once to their owner and stored only as SHA-256
 * hashes (they are long and random, so a fast hash is enough; passwords use scrypt instead).
 */
import { createHash, randomBytes } from "node:crypto";

/** The prefix makes a leaked token easy to recognise (secret scanners, logs). */
export const TOKEN_PREFIX = "trb_";

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function generateSessionId(): string {
  return randomBytes(32).toString("base64url");
}

export function generateCsrfToken(): string {
  return randomBytes(24).toString("base64url");
}

export function hashSecret(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
