// The sequencer's list names real files: a renamed test file must not silently drop to the end.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SLOWEST_FILES } from "../../support/slow-first-sequencer.js";

describe("SlowFirstSequencer", () => {
  it("lists only test files that exist", () => {
    expect(SLOWEST_FILES.filter((file) => !existsSync(file))).toEqual([]);
  });
});
