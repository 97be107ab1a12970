// Config file sections checked by zod schemas: errors name the file and the field, unknown
// settings are refused, and the messages read like the API's.
import { describe, expect, it } from "vitest";
import { configField, parseConfigSection } from "../../../src/core/config-section.js";
import { InvalidInputError } from "../../../src/core/errors.js";

const SHAPE = { url: configField.text.optional(), headers: configField.headers.optional(), tries: configField.positiveInt.optional() };

function failure(section: unknown): InvalidInputError {
  try {
    parseConfigSection("demo", SHAPE, section, "tributary.config.ts");
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error("expected an InvalidInputError");
}

describe("parseConfigSection", () => {
  it("returns the settings, or {} when the section is absent", () => {
    expect(parseConfigSection("demo", SHAPE, { url: "http://a", tries: 3 }, "f.ts")).toEqual({ url: "http://a", tries: 3 });
    expect(parseConfigSection("demo", SHAPE, undefined, "f.ts")).toEqual({});
  });

  it.each([
    ["a string", "demo", "demo must be an object"],
    [{ uri: "x" }, "demo.uri", 'unknown demo setting "uri" (known: url, headers, tries)'],
    [{ url: "" }, "demo.url", "demo.url must be a non-empty string"],
    [{ url: 5 }, "demo.url", "demo.url must be a non-empty string"],
    [{ headers: { a: 1 } }, "demo.headers", "demo.headers must map header names to strings"],
    [{ tries: 0 }, "demo.tries", "demo.tries must be a positive integer"],
    [{ tries: 1.5 }, "demo.tries", "demo.tries must be a positive integer"],
    [{ tries: "3" }, "demo.tries", "demo.tries must be a positive integer"],
  ])("%j: %s", (section, field, message) => {
    const error = failure(section);
    expect(error.message).toBe(message);
    expect(error.location).toMatchObject({ file: "tributary.config.ts", field });
  });
});
