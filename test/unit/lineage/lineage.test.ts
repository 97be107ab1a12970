import { describe, expect, it } from "vitest";
import { DagDefinitionError, InvalidInputError } from "../../../src/core/errors.js";
import { resolveSchedule } from "../../../src/core/schedule.js";
import { dag, dataset } from "../../../src/dsl/index.js";
import { normaliseDatasetUri } from "../../../src/core/dataset-uri.js";
import { LineageGraph } from "../../../src/lineage/lineage-graph.js";
import { walkLineage } from "../../../src/lineage/lineage-query.js";
import { lineageNodeIds } from "../../../src/lineage/lineage-service.js";
import { renderLineageTree } from "../../../src/lineage/render-tree.js";
import { triggeringEvents } from "../../../src/scheduler/dataset-triggers.js";
import type { DatasetEventRecord } from "../../../src/store/index.js";

const raw = dataset("postgres://warehouse/raw_orders");
const clean = dataset("postgres://warehouse/clean_orders");
const customers = dataset("postgres://warehouse/customers");

const pipeline = dag("orders_pipeline", {}, (d) => {
  const ingest = d.task("ingest_orders", { outputs: [raw] }, async () => 1);
  d.task("transform_orders", { inputs: { raw }, after: [ingest], outputs: [clean] }, async () => 1);
});
const report = dag("daily_revenue_report", { schedule: [clean] }, (d) => {
  const build = d.task("build_report", { inputs: { clean } }, async () => 1);
  d.task("publish_report", { after: [build] }, async () => 1);
});
const churn = dag("customer_churn_model", { schedule: { datasets: [clean, customers], when: "any" } }, (d) => {
  d.task("train_model", async () => 1);
});

function lineageGraph(): LineageGraph {
  const graph = new LineageGraph();
  for (const d of [pipeline, report, churn]) graph.addDag(d.graph);
  return graph;
}

describe("dataset URIs", () => {
  it("normalises in one place and names the field, the DAG and the task", () => {
    expect(normaliseDatasetUri("Postgres://Warehouse/raw_orders/")).toBe("postgres://warehouse/raw_orders");
    try {
      normaliseDatasetUri("raw orders", { dagId: "d", taskId: "t", field: "emit" }, "input");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).describe()).toMatch(/^DAG "d", task "t", field "emit": invalid dataset URI "raw orders"/);
    }
    expect(() => normaliseDatasetUri("nope")).toThrow(DagDefinitionError);
  });
});

describe("data-aware schedule DSL", () => {
  it("stores the datasets and the condition in the DAG graph", () => {
    expect(report.graph.datasetSchedule).toEqual({ uris: [clean.uri], when: "all" });
    expect(churn.graph.datasetSchedule).toEqual({ uris: [clean.uri, customers.uri], when: "any" });
    expect(pipeline.graph.datasetSchedule).toBeUndefined();
    expect(resolveSchedule({ datasets: [clean], when: "any" }, "UTC", undefined, {})).toEqual({ kind: "datasets", uris: [clean.uri], when: "any" });
  });

  it("rejects a bad condition, an empty list and a non-dataset, naming the field", () => {
    const bad = (schedule: unknown) => () => dag("x", { schedule: schedule as never }, (d) => void d.task("t", async () => 1));
    expect(bad({ datasets: [clean], when: "some" })).toThrow(/schedule.when must be "all" or "any"/);
    expect(bad({ datasets: [] })).toThrow(/at least one dataset/);
    expect(bad({ datasets: ["postgres://x/y"] })).toThrow(/schedule.datasets must list datasets/);
    expect(bad({ datasets: [clean], whn: "any" })).toThrow(/unknown schedule option "whn"/);
  });
});

describe("dataset triggers", () => {
  const event = (id: number, uri: string): DatasetEventRecord => ({
    id, uri, runId: null, dagId: null, taskId: null, mapIndex: null, tryNumber: null, at: new Date(id * 1000), metadata: {}, source: "test",
  });
  const all = { kind: "datasets" as const, uris: [clean.uri, customers.uri], when: "all" as const };
  it("all: waits until every dataset has a new event, then consumes every pending one", () => {
    expect(triggeringEvents(all, [])).toBeUndefined();
    expect(triggeringEvents(all, [event(1, clean.uri), event(2, clean.uri)])).toBeUndefined();
    expect(triggeringEvents(all, [event(1, clean.uri), event(2, customers.uri), event(3, clean.uri)])?.map((e) => e.id)).toEqual([1, 2, 3]);
  });
  it("any: one new event is enough", () => {
    expect(triggeringEvents({ ...all, when: "any" }, [event(4, customers.uri)])?.map((e) => e.id)).toEqual([4]);
  });
});

describe("lineage graph queries", () => {
  it("downstream of raw_orders: the transform, clean_orders, both consumer DAGs and their tasks", () => {
    const result = walkLineage(lineageGraph(), "dataset:postgres://warehouse/raw_orders", "downstream", undefined);
    const names = result.nodes.map((n) => `${n.kind} ${n.name}`);
    expect(names).toEqual([
      "dataset postgres://warehouse/raw_orders",
      "task orders_pipeline.transform_orders",
      "dataset postgres://warehouse/clean_orders",
      "dag daily_revenue_report",
      "task daily_revenue_report.build_report",
      "dag customer_churn_model",
      "task daily_revenue_report.publish_report",
      "task customer_churn_model.train_model",
    ]);
    expect(result.tree.children.map((c) => c.via?.kind)).toEqual(["reads"]);
    expect(renderLineageTree(result)).toContain("└─ read by task orders_pipeline.transform_orders");
  });

  it("depth limits the walk; upstream follows the edges backwards", () => {
    const graph = lineageGraph();
    expect(walkLineage(graph, "dataset:postgres://warehouse/raw_orders", "downstream", 2).nodes.map((n) => n.name)).toEqual([
      "postgres://warehouse/raw_orders",
      "orders_pipeline.transform_orders",
      "postgres://warehouse/clean_orders",
    ]);
    const up = walkLineage(graph, "task:customer_churn_model/train_model", "upstream", undefined);
    expect(up.nodes.map((n) => n.name)).toEqual([
      "customer_churn_model.train_model",
      "customer_churn_model",
      "postgres://warehouse/clean_orders",
      "postgres://warehouse/customers",
      "orders_pipeline.transform_orders",
      "orders_pipeline",
      "orders_pipeline.ingest_orders",
      "postgres://warehouse/raw_orders",
    ]);
  });

  it("marks edges declared, observed at run time, or both", () => {
    const graph = lineageGraph();
    graph.addObservedWrite(clean.uri, "orders_pipeline", "transform_orders");
    graph.addObservedWrite("s3://bucket/extra", "orders_pipeline", "transform_orders");
    const edges = walkLineage(graph, "task:orders_pipeline/transform_orders", "downstream", 1).edges;
    expect(edges.filter((e) => e.kind === "writes").map((e) => [e.to, e.declared, e.observed])).toEqual([
      ["dataset:postgres://warehouse/clean_orders", true, true],
      ["dataset:s3://bucket/extra", false, true],
    ]);
  });

  it("names a start node by URI, dag: or task: (ids may contain dots)", () => {
    expect(lineageNodeIds("S3://B/k/")).toEqual(["dataset:s3://b/k"]);
    expect(lineageNodeIds("dag:a.b")).toEqual(["dag:a.b"]);
    expect(lineageNodeIds("task:a.b.c")).toEqual(["task:a.b/c", "task:a/b.c"]);
    expect(() => lineageNodeIds("raw_orders")).toThrow(InvalidInputError);
  });
});
