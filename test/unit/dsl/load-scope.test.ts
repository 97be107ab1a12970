import { describe, expect, it } from "vitest";
import { urlInLoad } from "../../../src/dsl/load-scope.js";

const tag = (resolved: string, parent: string | undefined) => urlInLoad(resolved, parent, "tributary-load", "tributary");

describe("urlInLoad", () => {
  it("puts the parent's load id first, as in the URL of a load's own import of a file", () => {
    expect(tag("file:///d/helper.ts?tsx-namespace=tributary", "file:///d/dag.ts?tributary-load=7&tsx-namespace=tributary")).toBe(
      "file:///d/helper.ts?tributary-load=7&tsx-namespace=tributary",
    );
  });

  it("leaves alone what has no load to join or is not in the namespace", () => {
    const inLoad = "file:///d/dag.ts?tributary-load=7&tsx-namespace=tributary";
    // Not imported from a load's module.
    expect(tag("file:///d/helper.ts?tsx-namespace=tributary", "file:///d/other.ts")).toBeUndefined();
    expect(tag("file:///d/helper.ts?tsx-namespace=tributary", undefined)).toBeUndefined();
    // Outside tsx's namespace (another namespace, none), a builtin, a data: URL.
    expect(tag("file:///d/helper.ts?tsx-namespace=tributary-2", inLoad)).toBeUndefined();
    expect(tag("file:///d/helper.js", inLoad)).toBeUndefined();
    expect(tag("node:fs", inLoad)).toBeUndefined();
    expect(tag("data:text/javascript,export default 1", inLoad)).toBeUndefined();
    // Tagged already (the load's own import of the file).
    expect(tag(inLoad, "file:///d/other.ts?tributary-load=7&tsx-namespace=tributary")).toBeUndefined();
  });
});
