// Lookups over a DAG's structure (core/graph-index.ts): made once per graph object, read by id.
import { expect, it } from "vitest";
import { indexGraph, specOf } from "../../../src/core/graph-index.js";
import type { DagGraph, TaskSpec } from "../../../src/core/types.js";
import { dag } from "../../../src/dsl/index.js";

function chainGraph(length: number): DagGraph {
  return dag("chain", {}, (d) => {
    let previous = d.task("t0", () => 0);
    for (let i = 1; i < length; i++) {
      const upstream = previous;
      previous = d.task(`t${i}`, { inputs: { upstream } }, () => i);
    }
  }).graph;
}

it("finds each task of a graph by its id, and nothing for an unknown task or graph", () => {
  const graph = chainGraph(50);
  for (const task of graph.tasks) expect(specOf(graph, task.id)).toBe(task);
  expect(specOf(graph, "t50")).toBeUndefined();
  expect(specOf(undefined, "t0")).toBeUndefined();
});

it("indexes a graph once: its downstream tasks, roots and leaves", () => {
  const graph = chainGraph(3);
  const index = indexGraph(graph);
  expect(indexGraph(graph)).toBe(index);
  expect(index.downstream("t0")).toEqual(["t1"]);
  expect(index.roots).toEqual(["t0"]);
  expect([...index.leaves]).toEqual(["t2"]);
  expect(index.spec("t1")).toBe(graph.tasks[1] as TaskSpec);
});
