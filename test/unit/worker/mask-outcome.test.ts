// A try's outcome with its secrets masked keeps what it says about the try: a suspended try
// (ctx.sleep) stays suspended, with its wake-up time.
import { describe, expect, it } from "vitest";
import { createMasker } from "../../../src/secrets/mask.js";
import { maskOutcome } from "../../../src/worker/mask-outcome.js";

describe("maskOutcome", () => {
  const masker = createMasker(["hunter2"]);

  it("masks a result and keeps a sleeping try's wake-up time", () => {
    expect(maskOutcome({ ok: true, result: null, emitted: [], sleepsUntil: "2024-03-01T11:00:00.000Z" }, masker)).toEqual({
      ok: true,
      result: null,
      emitted: [],
      sleepsUntil: "2024-03-01T11:00:00.000Z",
    });
    expect(maskOutcome({ ok: true, result: { pw: "hunter2" }, emitted: [] }, masker)).toEqual({ ok: true, result: { pw: "***" }, emitted: [] });
  });
});
