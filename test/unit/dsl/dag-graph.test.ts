import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { TaskSpec } from "../../../src/core/types.js";
import { dag, dataset } from "../../../src/dsl/index.js";
import { DAG_BRAND, TASK_REF_BRAND } from "../../../src/dsl/types.js";

const rawOrders = dataset("postgres://warehouse/raw_orders");
const cleanOrders = dataset("postgres://warehouse/clean_orders");

function spec(tasks: readonly TaskSpec[], id: string): TaskSpec {
  const found = tasks.find((task) => task.id === id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
}

describe("dag() builds the graph", () => {
  const salesDag = dag(
    "daily_sales_report",
    {
      schedule: "0 6 * * *",
      timezone: "Europe/Berlin",
      startDate: "2024-01-01",
      catchup: false,
      params: z.object({ region: z.enum(["eu", "us"]).default("eu") }),
      defaults: { retries: 4, retryDelay: "30s", backoff: "exponential", timeout: "1h" },
      tags: ["sales", "sales", "example"],
    },
    (d) => {
      const crm = d.task("extract_crm", async (ctx) => [ctx.params.region]);
      const erp = d.task("extract_erp", async (ctx) => ctx.ds);
      const joined = d.task("join_sources", { inputs: { crm, erp }, outputs: [rawOrders] }, async (_ctx, { crm, erp }) => [
        ...crm,
        erp,
      ]);
      const revenue = d.task("transform_revenue", { inputs: { joined, rawOrders }, outputs: [cleanOrders] }, () => 1);
      d.task("validate_data", { inputs: { joined } }, () => true);
      const load = d.task("load_warehouse", { after: [revenue], retries: 1, priority: 5, pool: "warehouse" }, () => null);
      d.task("notify_team", { after: [load], triggerRule: "all_done", retries: 0, secrets: ["SLACK", "SLACK"] }, () => null);
    },
  );

  it("is branded, frozen and keeps the resolved options", () => {
    expect(salesDag[DAG_BRAND]).toBe(true);
    expect(Object.isFrozen(salesDag)).toBe(true);
    expect(salesDag.id).toBe("daily_sales_report");
    expect(salesDag.options).toEqual({
      description: undefined,
      schedule: "0 6 * * *",
      timezone: "Europe/Berlin",
      startDate: "2024-01-01",
      endDate: undefined,
      catchup: false,
      tags: ["sales", "example"],
      maxActiveRuns: undefined,
      maxActiveTasks: undefined,
      slaMs: undefined,
      alerts: undefined,
      events: [],
    });
    expect(salesDag.graph.dagId).toBe("daily_sales_report");
  });

  it("lists tasks in declaration order when that is topological", () => {
    expect(salesDag.graph.tasks.map((t) => t.id)).toEqual([
      "extract_crm",
      "extract_erp",
      "join_sources",
      "transform_revenue",
      "validate_data",
      "load_warehouse",
      "notify_team",
    ]);
  });

  it("records inputs, upstream and datasets", () => {
    const join = spec(salesDag.graph.tasks, "join_sources");
    expect(join.upstream).toEqual(["extract_crm", "extract_erp"]);
    expect(join.inputs).toEqual({ crm: "extract_crm", erp: "extract_erp" });
    expect(join.outputDatasets).toEqual(["postgres://warehouse/raw_orders"]);
    expect(join.inputDatasets).toEqual([]);

    const revenue = spec(salesDag.graph.tasks, "transform_revenue");
    // A dataset input is lineage, not a dependency on a task.
    expect(revenue.upstream).toEqual(["join_sources"]);
    expect(revenue.inputs).toEqual({ joined: "join_sources" });
    expect(revenue.inputDatasets).toEqual(["postgres://warehouse/raw_orders"]);
    expect(revenue.outputDatasets).toEqual(["postgres://warehouse/clean_orders"]);

    expect(spec(salesDag.graph.tasks, "load_warehouse").upstream).toEqual(["transform_revenue"]);
    expect(spec(salesDag.graph.tasks, "load_warehouse").inputs).toEqual({});
  });

  it("resolves settings: the task's own, else the DAG's defaults, else built-ins", () => {
    const extract = spec(salesDag.graph.tasks, "extract_crm");
    expect(extract).toEqual({
      id: "extract_crm",
      kind: "task",
      upstream: [],
      inputs: {},
      mapOver: undefined,
      triggerRule: "all_success",
      retry: { retries: 4, retryDelayMs: 30_000, backoff: "exponential", maxRetryDelayMs: undefined, jitter: 0 },
      timeoutMs: 3_600_000,
      pool: undefined,
      queue: "default",
      priority: 0,
      inputDatasets: [],
      outputDatasets: [],
      secrets: [],
    });
    const load = spec(salesDag.graph.tasks, "load_warehouse");
    expect(load.retry.retries).toBe(1);
    expect(load.priority).toBe(5);
    expect(load.pool).toBe("warehouse");
    const notify = spec(salesDag.graph.tasks, "notify_team");
    expect(notify.triggerRule).toBe("all_done");
    expect(notify.retry.retries).toBe(0);
    expect(notify.secrets).toEqual(["SLACK"]);
  });

  it("keeps each task's code by id", () => {
    expect([...salesDag.definitions.keys()]).toEqual(salesDag.graph.tasks.map((t) => t.id));
    const revenue = salesDag.definitions.get("transform_revenue");
    expect(revenue?.kind).toBe("task");
    if (revenue?.kind === "task") {
      expect(typeof revenue.run).toBe("function");
      expect(revenue.datasetInputs).toEqual({ rawOrders });
    }
  });

  it("keeps the params schema", () => {
    expect(salesDag.paramsSchema).toBeDefined();
    expect(salesDag.parseParams({})).toEqual({ region: "eu" });
  });
});

describe("dag() defaults", () => {
  it("uses the built-in defaults when nothing is set", () => {
    const minimal = dag("minimal", {}, (d) => {
      d.task("only", () => 1);
    });
    expect(minimal.options).toEqual({
      description: undefined,
      schedule: null,
      timezone: "UTC",
      startDate: undefined,
      endDate: undefined,
      catchup: false,
      tags: [],
      maxActiveRuns: undefined,
      maxActiveTasks: undefined,
      slaMs: undefined,
      alerts: undefined,
      events: [],
    });
    const [only] = minimal.graph.tasks;
    expect(only?.retry).toEqual({ retries: 0, retryDelayMs: 30_000, backoff: "fixed", maxRetryDelayMs: undefined, jitter: 0 });
    expect(only?.triggerRule).toBe("all_success");
    expect(only?.timeoutMs).toBeUndefined();
    expect(only?.priority).toBe(0);
    expect(minimal.paramsSchema).toBeUndefined();
  });

  it("reads jitter true as 25%, and durations into milliseconds", () => {
    const tuned = dag(
      "tuned",
      { defaults: { jitter: true, maxRetryDelay: "10m", triggerRule: "none_failed", pool: "db", priority: -1 } },
      (d) => {
        d.task("a", () => 1);
        d.task("b", { retryDelay: 1500, timeout: "1h30m", jitter: false }, () => 1);
      },
    );
    const [a, b] = tuned.graph.tasks;
    expect(a?.retry).toEqual({ retries: 0, retryDelayMs: 30_000, backoff: "fixed", maxRetryDelayMs: 600_000, jitter: 0.25 });
    expect(a?.triggerRule).toBe("none_failed");
    expect(a?.pool).toBe("db");
    expect(a?.priority).toBe(-1);
    // jitter: false is a value of its own: it overrides the DAG's default.
    expect(b?.retry).toEqual({ retries: 0, retryDelayMs: 1_500, backoff: "fixed", maxRetryDelayMs: 600_000, jitter: 0 });
    expect(b?.timeoutMs).toBe(5_400_000);
  });

  it("keeps every DAG option it is given", () => {
    const full = dag(
      "full",
      {
        description: "all options",
        schedule: { every: "15m" },
        timezone: "America/New_York",
        startDate: "2024-01-01",
        endDate: "2024-12-31T23:00:00Z",
        catchup: true,
        tags: ["a"],
        maxActiveRuns: 2,
        maxActiveTasks: 8,
        sla: "2h",
        alerts: { slack: false },
        events: ["orders.loaded", "orders.loaded"],
      },
      () => undefined,
    );
    expect(full.options).toEqual({
      description: "all options",
      schedule: { every: "15m" },
      timezone: "America/New_York",
      startDate: "2024-01-01",
      endDate: "2024-12-31T23:00:00Z",
      catchup: true,
      tags: ["a"],
      maxActiveRuns: 2,
      maxActiveTasks: 8,
      slaMs: 7_200_000,
      alerts: { slack: false },
      events: ["orders.loaded"],
    });
    expect(full.graph.tasks).toEqual([]);
  });

  it("accepts a dataset schedule and presets", () => {
    expect(dag("on_data", { schedule: [rawOrders] }, () => undefined).options.schedule).toEqual([rawOrders]);
    expect(dag("daily", { schedule: "@daily" }, () => undefined).options.schedule).toBe("@daily");
  });
});

describe("task kinds", () => {
  const kinds = dag("kinds", { params: z.object({ region: z.string().default("eu") }) }, (d) => {
    const list = d.task("list", () => [1, 2, 3]);
    const choose = d.branch("choose", { inputs: { list } }, (_ctx, { list }) => (list.length > 2 ? "big" : "small"));
    d.task("big", { after: [choose] }, () => "big");
    d.task("small", { after: ["choose"] }, () => "small");
    d.map("double", { over: list, inputs: { list } }, (_ctx, item) => item * 2);
    d.shell("report", { after: ["double"] }, "echo {{ ds }} {{ params.region }}");
  });

  it("records each kind, map's `over` and shell's command", () => {
    const kindOf = Object.fromEntries(kinds.graph.tasks.map((t) => [t.id, t.kind]));
    expect(kindOf).toEqual({ list: "task", choose: "branch", big: "task", small: "task", double: "map", report: "shell" });
    const double = spec(kinds.graph.tasks, "double");
    expect(double.mapOver).toBe("list");
    // inputs first, then after, then over; each upstream task once.
    expect(double.upstream).toEqual(["list"]);
    expect(spec(kinds.graph.tasks, "small").upstream).toEqual(["choose"]);
    expect(kinds.definitions.get("report")).toEqual({ kind: "shell", command: "echo {{ ds }} {{ params.region }}" });
    expect(kinds.definitions.get("double")?.kind).toBe("map");
    expect(kinds.definitions.get("choose")?.kind).toBe("branch");
  });

  it("returns branded refs carrying the task id", () => {
    dag("refs", {}, (d) => {
      const ref = d.task("a", () => 1);
      expect(ref.id).toBe("a");
      expect(ref[TASK_REF_BRAND]).toBe(true);
      expect(Object.isFrozen(ref)).toBe(true);
    });
  });
});

describe("topological order", () => {
  it("moves a task after upstream tasks declared later (string ids in after)", () => {
    const reordered = dag("reordered", {}, (d) => {
      d.task("report", { after: ["load"] }, () => 1);
      d.task("extract", () => 1);
      d.task("load", { after: ["extract"] }, () => 1);
      d.task("audit", () => 1);
    });
    expect(reordered.graph.tasks.map((t) => t.id)).toEqual(["extract", "load", "report", "audit"]);
  });

  it("orders upstream as inputs, after, over, without repeats", () => {
    const ordered = dag("ordered", {}, (d) => {
      const a = d.task("a", () => [1]);
      const b = d.task("b", () => 1);
      const c = d.task("c", () => 1);
      d.map("m", { inputs: { b }, after: [c, "a", b], over: a }, (_ctx, item) => item);
    });
    expect(spec(ordered.graph.tasks, "m").upstream).toEqual(["b", "c", "a"]);
  });

  it("handles a long chain without overflowing the stack", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `t${i}`);
    const chain = dag("chain", {}, (d) => {
      // Declared in reverse, each after the next one: the walk must go 10,000 deep.
      ids.forEach((id, i) => {
        d.task(id, { after: i + 1 < ids.length ? [`t${i + 1}`] : [] }, () => 1);
      });
    });
    expect(chain.graph.tasks[0]?.id).toBe("t9999");
    expect(chain.graph.tasks.at(-1)?.id).toBe("t0");
  });
});
