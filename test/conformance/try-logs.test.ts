/**
 * A try's last log lines recorded with its outcome (`CompleteTryInput.logs`): stored in the
 * outcome's transaction, and stored too when the outcome is not applied (the try ran and said it).
 */
import { describe, expect, it } from "vitest";
import type { CompleteTryInput, StoredLogLine } from "../../src/store/index.js";
import { at, runInput } from "./driver.js";
import { graph } from "./fixtures.js";
import { STORES } from "./stores.js";
import { useStore } from "./use-store.js";

const line = (message: string): Omit<StoredLogLine, "id"> => ({ at: at(2), stream: "stdout", level: "info", message });

for (const factory of STORES) {
  describe(`a try's last log lines with its outcome: ${factory.name}`, () => {
    const ctx = useStore(factory, { migrate: true });

    it("are stored with the outcome, and with an outcome that is not applied", async () => {
      const g = graph("logs", [{ id: "a" }]);
      await ctx.store.createRun(runInput(g, { runId: "r" }));
      const [a] = await ctx.store.claimNextTasks({ workerId: "w", limit: 1, dagIds: ["logs"], now: at(1) });
      if (!a) throw new Error("a not claimed");
      const input: CompleteTryInput = {
        taskInstanceId: a.instance.id,
        tryNumber: a.tryNumber,
        outcome: "success",
        result: 1,
        graph: g,
        now: at(2),
        logs: { tryId: a.tryId, lines: [line("one"), line("two")] },
      };
      const first = await ctx.store.completeTries([input]);
      expect(first.results.map((r) => r.applied)).toEqual([true]);
      // The same outcome again (a worker retrying after a lost acknowledgement): not applied, its lines kept.
      const again = await ctx.store.completeTries([{ ...input, logs: { tryId: a.tryId, lines: [line("three")] } }]);
      expect(again.results.map((r) => r.applied)).toEqual([false]);
      const { tryNumber, lines } = await ctx.store.readLogs({ runId: "r", taskId: "a", mapIndex: null });
      expect(tryNumber).toBe(1);
      expect(lines.map((l) => [l.stream, l.level, l.message])).toEqual([
        ["stdout", "info", "one"],
        ["stdout", "info", "two"],
        ["stdout", "info", "three"],
      ]);
    });
  });
}
