/**
 * Issue 15: a TRIBUTARY_SECRET_KEY of the right length but with little entropy (all zeros, a
 * repeated pattern) was accepted silently. It is refused with an error naming the variable.
 */
import { describe, expect, it } from "vitest";
import { generateSecretKey, parseSecretKey } from "../../../src/secrets/cipher.js";
import { secretKeyFrom } from "../../../src/secrets/secret-config.js";

const WEAK = [
  ["all-zero hex", "0".repeat(64)],
  ["all-zero base64", "A".repeat(43) + "="],
  ["one byte repeated", "ab".repeat(32)],
  ["a repeated 4-byte pattern", "deadbeef".repeat(8)],
  ["a repeated 16-byte pattern", "00112233445566778899aabbccddeeff".repeat(2)],
  ["counting bytes", Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString("hex")],
] as const;

describe("secret key strength", () => {
  it.each(WEAK)("refuses %s, naming the variable", (_name, key) => {
    expect(() => parseSecretKey(key)).toThrow(/TRIBUTARY_SECRET_KEY.*(entropy|random)/);
    expect(() => secretKeyFrom({ TRIBUTARY_SECRET_KEY: key })).toThrow(/TRIBUTARY_SECRET_KEY/);
  });

  it("refuses short keys, naming the variable", () => {
    expect(() => parseSecretKey("0123456789abcdef")).toThrow(/TRIBUTARY_SECRET_KEY must be a 256-bit key/);
    expect(() => parseSecretKey("c2hvcnQ=", "TRIBUTARY_NEW_SECRET_KEY")).toThrow(/TRIBUTARY_NEW_SECRET_KEY/);
  });

  it("accepts generated keys, every time", () => {
    for (let i = 0; i < 2_000; i++) expect(() => parseSecretKey(generateSecretKey())).not.toThrow();
  });
});
