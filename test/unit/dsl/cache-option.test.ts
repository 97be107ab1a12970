/** A task's `cache` option is checked when the DAG is defined, with errors naming the DAG, task and field. */
import { describe, expect, it } from "vitest";
import { DagDefinitionError } from "../../../src/core/errors.js";
import { dag } from "../../../src/dsl/index.js";

function definitionError(define: () => unknown): DagDefinitionError {
  try {
    define();
  } catch (error) {
    expect(error).toBeInstanceOf(DagDefinitionError);
    return error as DagDefinitionError;
  }
  throw new Error("expected a DagDefinitionError, but nothing was thrown");
}

const withCache = (cache: unknown) => () => dag("cached", {}, (d) => void d.task("t", { cache } as never, () => 1));

describe("the cache task option", () => {
  it("puts the TTL in the graph and the key function beside the task's code", () => {
    const defined = dag("cached", {}, (d) => {
      const a = d.task("a", () => ({ day: "2024-03-01" }));
      d.task("b", { inputs: { a }, cache: { key: (ctx, { a }) => `${ctx.ds}:${a.day}`, ttl: "7d" } }, (_ctx, { a }) => a.day);
      d.shell("c", { cache: { key: (ctx) => ctx.ds, ttl: "30m" } }, "echo {{ ds }}");
    });
    expect(defined.graph.tasks.map((t) => [t.id, t.cacheTtlMs])).toEqual([["a", undefined], ["b", 7 * 86_400_000], ["c", 1_800_000]]);
    expect("cacheTtlMs" in (defined.graph.tasks[0] ?? {})).toBe(false);
    const b = defined.definitions.get("b");
    expect(b?.kind === "task" && typeof b.cacheKey).toBe("function");
  });

  it.each([
    [{ ttl: "1d" }, "cache.key", /cache.key must be a function/],
    [{ key: "k", ttl: "1d" }, "cache.key", /cache.key must be a function/],
    [{ key: (): string => "k" }, "cache.ttl", /cache.ttl is required/],
    [{ key: (): string => "k", ttl: "soon" }, "cache.ttl", /soon/],
    [{ key: (): string => "k", ttl: "1d", tll: 1 }, "cache.tll", /unknown cache option "tll"/],
    ["yes", "cache", /cache must be an object/],
  ])("rejects %j at %s", (cache, field, message) => {
    const error = definitionError(withCache(cache));
    expect(error.location).toEqual({ dagId: "cached", taskId: "t", field });
    expect(error.message).toMatch(message);
  });

  it("is refused on branch and map tasks", () => {
    const error = definitionError(() =>
      dag("cached", {}, (d) => {
        d.branch("b", { cache: { key: () => "k", ttl: "1d" } } as never, () => null);
      }),
    );
    expect(error.message).toMatch(/^unknown option "cache"/);
    expect(error.location).toMatchObject({ taskId: "b", field: "cache" });
  });
});
