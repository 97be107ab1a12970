/**
 * Issue 15: masking was defeated by a secret with a backslash printed by `echo` (sh interprets
 * the escape). Each predictable form of a secret is masked: as is, JSON-escaped, backslash-escaped,
 * backslash-interpreted (echo, printf), URL-encoded, and base64 (alone or inside a longer encoded
 * text, such as an HTTP Basic credential).
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createMasker } from "../../../src/secrets/mask.js";

const SECRET = String.raw`p@ss\nw0rd\t"q"/+&=x y`;
const masker = createMasker([SECRET]);
const hidden = (text: string) => expect(masker.text(`before ${text} after`), text).toBe("before *** after");

describe("masking the encoded forms of a secret", () => {
  it("as is, and JSON-escaped", () => {
    hidden(SECRET);
    hidden(JSON.stringify(SECRET).slice(1, -1));
  });

  it("backslash-escaped (backslashes doubled, quotes escaped)", () => {
    hidden(SECRET.replace(/\\/g, "\\\\"));
    hidden(SECRET.replace(/[\\"'$`]/g, "\\$&"));
  });

  it("as a real shell's echo prints it (escapes interpreted), line by line", () => {
    const printed = execFileSync("/bin/sh", ["-c", 'echo "$S"'], { env: { S: SECRET }, encoding: "utf8" }).replace(/\n$/, "");
    const lines = printed.split("\n");
    for (const line of lines) expect(createMasker([SECRET]).text(line), JSON.stringify(line)).toBe("***");
    const printf = execFileSync("/bin/sh", ["-c", 'printf "$S"'], { env: { S: SECRET }, encoding: "utf8" });
    for (const line of printf.split("\n")) expect(masker.text(line), JSON.stringify(line)).toBe("***");
  });

  it("URL-encoded: encodeURIComponent, lowercase hex, form encoding, encodeURI", () => {
    hidden(encodeURIComponent(SECRET));
    hidden(encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    hidden(new URLSearchParams({ k: SECRET }).toString().slice(2));
    hidden(encodeURI(SECRET));
  });

  it("base64: standard, without padding, URL-safe", () => {
    const b64 = Buffer.from(SECRET).toString("base64");
    hidden(b64);
    hidden(b64.replace(/=+$/, ""));
    hidden(Buffer.from(SECRET).toString("base64url"));
  });

  it("base64 inside a longer encoded text, at any offset (an HTTP Basic credential)", () => {
    for (const user of ["a", "ab", "abc", "alice"]) {
      const header = Buffer.from(`${user}:${SECRET}`).toString("base64");
      const masked = masker.text(`Authorization: Basic ${header}`);
      expect(masked, user).toContain("***");
      // What is left of the encoded text is at most the characters shared with the user name and the edges.
      expect(masked.replace("Authorization: Basic ", "").replace("***", "").length, user).toBeLessThanOrEqual(Math.ceil(((user.length + 1) * 4) / 3) + 3);
    }
  });

  it("leaves short fragments of unrelated text alone", () => {
    const short = createMasker(["abcd"]);
    expect(short.text("YWJjZA is base64 of abcd")).toBe("*** is base64 of ***");
    expect(short.text("nothing to see: zzzz")).toBe("nothing to see: zzzz");
  });
});
