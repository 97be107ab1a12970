/**
 * The JSON Schema of a params schema or an approval's form comes from zod's converter, loaded on
 * first use from zod's CommonJS build (dsl/form-json-schema.ts): it must say what zod's own
 * `z.toJSONSchema` says of a schema built with the ES module copy a DAG file imports, metadata
 * (descriptions, titles) included.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formJsonSchema } from "../../../src/dsl/form-json-schema.js";

describe("formJsonSchema", () => {
  it("gives what z.toJSONSchema gives for the input side, descriptions, titles and defaults included", () => {
    const schema = z.object({
      region: z.string().describe("Where the sales were made"),
      days: z.number().int().min(1).default(7).meta({ title: "Days back" }),
      mode: z.enum(["full", "delta"]).optional(),
      since: z.date().optional(),
    });
    expect(formJsonSchema(schema)).toEqual(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }));
    expect(formJsonSchema(schema)).toMatchObject({
      properties: { region: { description: "Where the sales were made" }, days: { title: "Days back", default: 7 } },
      required: ["region"],
    });
  });
});
