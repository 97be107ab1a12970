import { describe, expect, it } from "vitest";
import { createMasker, MASK, maskText, maskValue } from "../../../src/secrets/mask.js";

describe("masking secret values", () => {
  it("replaces every occurrence of every secret with ***", () => {
    expect(maskText("user=admin pw=hunter2 again hunter2", ["hunter2", "admin"])).toBe("user=*** pw=*** again ***");
  });

  it("hides the longer secret whole when one secret contains another", () => {
    expect(maskText("token abc123xyz", ["abc", "abc123xyz"])).toBe(`token ${MASK}`);
  });

  it("treats regular-expression characters in a secret literally", () => {
    expect(maskText("a.b*c and axbbc", ["a.b*c"])).toBe("*** and axbbc");
    expect(maskText("p$w(0)rd[1]", ["$w(0)rd[1]"])).toBe("p***");
  });

  it("hides a secret as JSON writes it inside a string", () => {
    const secret = 'pa"ss\\word';
    expect(maskText(JSON.stringify({ password: secret }), [secret])).toBe('{"password":"***"}');
  });

  it("hides each line of a multi-line secret, so a key printed line by line is hidden too", () => {
    const pem = "-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END KEY-----";
    const masker = createMasker([pem]);
    expect(masker.text("MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu")).toBe(MASK);
    expect(masker.text(`key: ${pem}`)).toBe("key: ***");
  });

  it("masks strings and keys deep inside results, leaving other values alone", () => {
    const result = { dsn: "postgres://u:hunter2@h/db", list: ["hunter2", 3, null, true], hunter2: { n: 1 } };
    expect(maskValue(result, ["hunter2"])).toEqual({ dsn: "postgres://u:***@h/db", list: ["***", 3, null, true], "***": { n: 1 } });
  });

  it("does nothing without secrets, and ignores empty values", () => {
    const masker = createMasker(["", ""]);
    expect(masker.active).toBe(false);
    expect(masker.text("anything")).toBe("anything");
    expect(masker.value({ a: 1 })).toEqual({ a: 1 });
  });
});
