// The `isolation` task option and DAG default: where a task's tries run (docs/concepts.md, "Isolation").
import { describe, expect, it } from "vitest";
import { DagDefinitionError } from "../../../src/core/errors.js";
import type { TaskSpec } from "../../../src/core/types.js";
import { dag } from "../../../src/dsl/index.js";
import type { DagOptions } from "../../../src/dsl/types.js";

function spec(tasks: readonly TaskSpec[], id: string): TaskSpec {
  const found = tasks.find((task) => task.id === id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
}

function definitionError(define: () => unknown): DagDefinitionError {
  try {
    define();
  } catch (error) {
    expect(error).toBeInstanceOf(DagDefinitionError);
    return error as DagDefinitionError;
  }
  throw new Error("expected a DagDefinitionError, but nothing was thrown");
}

describe("isolation", () => {
  it("is the task's own, else the DAG's default, else process (left out of the graph)", () => {
    const built = dag("iso", { defaults: { isolation: "thread" } }, (d) => {
      d.task("from_default", () => 1);
      d.task("own_inline", { isolation: "inline" }, () => 1);
      d.shell("own_process", { isolation: "process" }, "true");
    });
    expect(spec(built.graph.tasks, "from_default").isolation).toBe("thread");
    expect(spec(built.graph.tasks, "own_inline").isolation).toBe("inline");
    // The default is not written into the graph: graphs (and versions) of DAGs that do not choose keep their shape.
    expect(spec(built.graph.tasks, "own_process")).not.toHaveProperty("isolation");

    const plain = dag("plain", {}, (d) => void d.task("t", () => 1));
    expect(spec(plain.graph.tasks, "t")).not.toHaveProperty("isolation");
  });

  it("accepts every isolation on every kind of task", () => {
    const built = dag("kinds", {}, (d) => {
      const list = d.task("list", { isolation: "inline" }, () => [1]);
      d.map("each", { over: list, isolation: "thread" }, (_ctx, item) => item);
      d.branch("pick", { isolation: "inline", after: [list] }, () => null);
      d.shell("sh", { isolation: "inline" }, "echo hi");
    });
    expect(built.graph.tasks.map((task) => task.isolation)).toEqual(["inline", "thread", "inline", "inline"]);
  });

  it("rejects an unknown isolation on a task, naming the task and the choices", () => {
    const error = definitionError(() => dag("d", {}, (d) => void d.task("t", { isolation: "container" } as never, () => 1)));
    expect(error.message).toBe('unknown isolation "container"; expected one of process, thread, inline');
    expect(error.location).toEqual({ dagId: "d", taskId: "t", field: "isolation" });
  });

  it("rejects an unknown isolation in the DAG's defaults", () => {
    const options = { defaults: { isolation: "threads" } } as unknown as DagOptions<Record<string, unknown>>;
    const error = definitionError(() => dag("d", options, () => undefined));
    expect(error.message).toBe('unknown isolation "threads"; expected one of process, thread, inline');
    expect(error.location).toEqual({ dagId: "d", field: "defaults.isolation" });
  });
});
