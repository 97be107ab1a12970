import { describe, expect, it } from "vitest";
import { LineSplitter, MAX_LINE_CHARS } from "../../../src/worker/line-splitter.js";

describe("LineSplitter", () => {
  it("joins chunks into lines and flushes an unterminated last line", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.write("a");
    splitter.write("b\r\nc\n\nd");
    expect(lines).toEqual(["ab", "c", ""]);
    splitter.flush();
    splitter.flush();
    expect(lines).toEqual(["ab", "c", "", "d"]);
  });

  it("cuts a runaway line", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.write("x".repeat(MAX_LINE_CHARS + 10));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/… \(10 more characters cut\)$/);
  });
});
