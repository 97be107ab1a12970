import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../../src/core/errors.js";
import {
  decryptSecret,
  encryptSecret,
  generateSecretKey,
  parseSecretKey,
  SecretIntegrityError,
  SecretKeyMismatchError,
} from "../../../src/secrets/cipher.js";

describe("AES-256-GCM secrets", () => {
  const key = parseSecretKey(generateSecretKey());

  it("round-trips a value, with a fresh IV each time and no plain text in the output", () => {
    const a = encryptSecret(key, "warehouse_password", "hunter2-ünïcode");
    const b = encryptSecret(key, "warehouse_password", "hunter2-ünïcode");
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(JSON.stringify(a)).not.toContain("hunter2");
    expect(Buffer.from(a.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(a.tag, "base64")).toHaveLength(16);
    expect(decryptSecret(key, "warehouse_password", a)).toBe("hunter2-ünïcode");
  });

  it("accepts a key as 64 hex digits or base64, and names the variable when malformed", () => {
    const hex = "d1cbbbda3302d0f9727ae8ed092adf2ff3041c54f20f0833442aceb0c7b98f0d";
    expect(parseSecretKey(hex).key).toHaveLength(32);
    expect(parseSecretKey(Buffer.from(hex, "hex").toString("base64")).keyId).toBe(parseSecretKey(hex).keyId);
    expect(() => parseSecretKey("too-short")).toThrow(InvalidInputError);
    expect(() => parseSecretKey("too-short")).toThrow(/TRIBUTARY_SECRET_KEY must be a 256-bit key/);
  });

  it("refuses another key by its id, and a ciphertext moved to another name", () => {
    const other = parseSecretKey(generateSecretKey());
    const sealed = encryptSecret(key, "a", "value");
    expect(() => decryptSecret(other, "a", sealed)).toThrow(SecretKeyMismatchError);
    expect(() => decryptSecret(key, "b", sealed)).toThrow(SecretIntegrityError);
    const tampered = { ...sealed, ciphertext: Buffer.from("XXXXX").toString("base64") };
    expect(() => decryptSecret(key, "a", tampered)).toThrow(/integrity check/);
  });
});
