// tributary.config.ts's top level, checked by a zod schema: the known settings pass through (each
// section is checked by its own module), bad ones are errors naming the file and the setting.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadProjectConfig } from "../../../src/cli/project-config.js";
import { InvalidInputError } from "../../../src/core/errors.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tributary-project-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withConfig(source: string): Promise<string> {
  const file = join(dir, "tributary.config.mjs");
  await writeFile(file, source);
  return file;
}

async function failure(source: string): Promise<{ error: InvalidInputError; file: string }> {
  const file = await withConfig(source);
  try {
    await loadProjectConfig(dir);
  } catch (error) {
    if (error instanceof InvalidInputError) return { error, file };
    throw error;
  }
  throw new Error("expected an InvalidInputError");
}

describe("loadProjectConfig", () => {
  it("is empty without a config file", async () => {
    expect(await loadProjectConfig(dir)).toEqual({});
  });

  it("resolves dags against the folder and hands each section on unchecked", async () => {
    const file = await withConfig(`export default { dags: "./my-dags", db: "postgres://db/x", alerts: { slack: "https://x" }, otlp: { endpoint: "http://c:4318" } };\n`);
    const config = await loadProjectConfig(dir);
    expect(config).toMatchObject({ file, dags: join(dir, "my-dags"), db: "postgres://db/x", alerts: { slack: "https://x" }, otlp: { endpoint: "http://c:4318" } });
  });

  it.each([
    [`export default { dags: 3 };`, "dags", "dags must be a folder path"],
    [`export default { db: ["a"] };`, "db", "db must be a path or URL"],
    [`export default { dags: "d", openLineage: {} };`, "openLineage", 'unknown setting "openLineage" (known: dags, db, openlineage, otlp, alerts, trustProxy)'],
  ])("%s: names %s", async (source, field, message) => {
    const { error, file } = await failure(source);
    expect(error.message).toBe(message);
    expect(error.location).toEqual({ file, field });
  });

  it("refuses a file that exports no object, naming the file", async () => {
    const { error, file } = await failure(`export default "dags";`);
    expect(error.message).toBe("the config file must export an object");
    expect(error.location).toEqual({ file });
  });
});
