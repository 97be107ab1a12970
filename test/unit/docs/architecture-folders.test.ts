// docs/architecture.md lists every folder of src/, ui/src/ and test/ with one line each: a folder
// added without a line, or a line left behind by a folder that moved, fails here.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");
const DOC = readFileSync(join(ROOT, "docs/architecture.md"), "utf8");
/** Folders whose subfolders are data (DAG files per test), listed as one line. */
const LISTED_AS_ONE = new Set(["test/fixtures", "test/unit/worker/fixtures"]);

function folders(dir: string): string[] {
  const path = relative(ROOT, dir);
  if (LISTED_AS_ONE.has(path)) return [path];
  const below = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== "node_modules");
  return [path, ...below.flatMap((e) => folders(join(dir, e.name)))];
}

/** The folder column of the listing: lines that start with a path ending in `/`. */
function listed(): string[] {
  return [...DOC.matchAll(/^((?:src|ui\/src|test)(?:\/[\w.-]+)*)\/ {2,}\S/gm)].map((m) => m[1] ?? "");
}

describe("docs/architecture.md's folder list", () => {
  it("names every folder of src/, ui/src/ and test/", () => {
    const missing = ["src", "ui/src", "test"].flatMap((top) => folders(join(ROOT, top))).filter((f) => f !== "src" && !listed().includes(f));
    expect(missing).toEqual([]);
  });

  it("names no folder that does not exist", () => {
    const existing = new Set(["src", "ui/src", "test"].flatMap((top) => folders(join(ROOT, top))));
    expect(listed().filter((f) => !existing.has(f))).toEqual([]);
  });
});
