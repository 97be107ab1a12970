/**
 * A try's last log lines recorded with its outcome (`CompleteTryInput.logs`): stored in the
 * outcome's transaction, and stored too when the outcome is not applied because another got there
 * first (a zombie sweep, a cancel): the try ran and said it.
 */
import { describe, expect, it } from "vitest";
import type { CompleteTryInput, StoredLogLine } from "../../src/store/index.js";
import { at, runInput } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const line = (message: string): Omit<StoredLogLine, "id"> => ({ at: at(2), stream: "stdout", level: "info", message });
const G = graph("logs", [{ id: "a" }]);

for (const factory of STORES) {
  describe(`a try's last log lines with its outcome: ${factory.name}`, () => {
    const ctx = useStore(factory, { migrate: true });

    /** Claims `a` and returns its success with two log lines. */
    async function successWithLines(): Promise<CompleteTryInput> {
      await ctx.store.createRun(runInput(G, { runId: "r" }));
      const [a] = await ctx.store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["logs"], now: at(1) });
      if (!a) throw new Error("a not claimed");
      return { taskInstanceId: a.instance.id, tryNumber: a.tryNumber, outcome: "success", result: 1, graph: G, now: at(2), logs: { tryId: a.tryId, lines: [line("one"), line("two")] } };
    }

    const messages = async () => (await ctx.store.readLogs({ runId: "r", taskId: "a", mapIndex: null })).lines.map((l) => [l.stream, l.level, l.message]);

    it("are stored with an outcome that is applied", async () => {
      const input = await successWithLines();
      expect((await ctx.store.completeTries([input])).results.map((r) => [r.applied, r.state])).toEqual([[true, "success"]]);
      expect(await messages()).toEqual([
        ["stdout", "info", "one"],
        ["stdout", "info", "two"],
      ]);
    });

    it("are stored with an outcome that is not applied because another got there first", async () => {
      const { logs, ...input } = await successWithLines();
      expect((await ctx.store.completeTries([{ ...input, outcome: "failed", error: "ended elsewhere" }])).results.map((r) => r.applied)).toEqual([true]);
      expect((await ctx.store.completeTries([{ ...input, logs }])).results.map((r) => r.applied)).toEqual([false]);
      expect(await messages()).toEqual([
        ["stdout", "info", "one"],
        ["stdout", "info", "two"],
      ]);
    });

    it("keep a NUL character a task printed (find -print0, binary output) as ␀, as its error does", async () => {
      const input = await successWithLines();
      const { results } = await ctx.store.completeTries([
        { ...input, outcome: "failed", error: "bad\u0000byte", logs: { tryId: input.logs?.tryId ?? 0, lines: [line("a\u0000b")] } },
      ]);
      expect(results.map((r) => r.applied)).toEqual([true]);
      expect((await messages()).map(([, , message]) => message)).toEqual(["a\u2400b"]);
      const [instance] = await ctx.store.listTaskInstances("r");
      expect(instance?.error).toBe("bad\u2400byte");
    });
  });
}
