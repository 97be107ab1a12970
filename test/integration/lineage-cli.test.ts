/** `tributary lineage` and `tributary datasets` through the real command line (built by `npm run build`). */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "tributary-lineage-cli-"));
const db = join(dir, "t.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, "bin", "tributary.js"), ...args, "--db", db], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

it("lineage downstream/upstream as a tree and JSON; datasets list and event", async () => {
  const run = await cli(["run", "examples/lineage.ts", "--dag", "orders_pipeline", "--logical-date", "2024-03-01"]);
  expect(run.code, run.stderr).toBe(0);

  const tree = await cli(["lineage", "downstream", "postgres://warehouse/raw_orders", "--dags", "examples"]);
  expect(tree.code, tree.stderr).toBe(0);
  expect(tree.stdout).toContain("└─ read by task orders_pipeline.transform_orders");
  expect(tree.stdout).toContain("triggers dag daily_revenue_report");
  expect(tree.stdout).toContain("triggers dag customer_churn_model");

  const json = await cli(["lineage", "downstream", "Postgres://Warehouse/raw_orders/", "--dags", "examples", "--json", "--depth", "2"]);
  const result = JSON.parse(json.stdout) as { nodes: { name: string }[]; depth: number };
  expect(result.depth).toBe(2);
  expect(result.nodes.map((n) => n.name)).toEqual(["postgres://warehouse/raw_orders", "orders_pipeline.transform_orders", "postgres://warehouse/clean_orders"]);

  const up = await cli(["lineage", "upstream", "task:customer_churn_model.train_model", "--dags", "examples", "--json"]);
  expect((JSON.parse(up.stdout) as { nodes: { name: string }[] }).nodes.map((n) => n.name)).toContain("orders_pipeline.transform_orders");

  const event = await cli(["datasets", "event", "s3://lake/orders", "--meta", "rows=10", "--meta", "by=etl", "--json"]);
  expect(event.code, event.stderr).toBe(0);
  expect(JSON.parse(event.stdout)).toMatchObject({ uri: "s3://lake/orders", metadata: { rows: 10, by: "etl" }, source: "cli" });

  const list = await cli(["datasets", "list", "--dags", "examples", "--json"]);
  const datasets = (JSON.parse(list.stdout) as { datasets: { uri: string; lastWriter: unknown; events: number }[] }).datasets;
  expect(datasets.find((d) => d.uri === "postgres://warehouse/clean_orders")).toMatchObject({
    events: 1,
    lastWriter: { kind: "task", dagId: "orders_pipeline", taskId: "transform_orders", tryNumber: 1 },
  });
  expect(datasets.find((d) => d.uri === "s3://lake/orders")).toMatchObject({ lastWriter: { kind: "external", source: "cli" } });
  const table = await cli(["datasets", "list", "--dags", "examples"]);
  expect(table.stdout).toMatch(/postgres:\/\/warehouse\/clean_orders\s+\S+\s+orders_pipeline.transform_orders \(try 1\)\s+\S+ ago\s+1/);

  const bad = await cli(["lineage", "downstream", "raw_orders"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('field "uri": invalid dataset URI "raw_orders"');
  const unknown = await cli(["lineage", "downstream", "s3://nowhere/x", "--dags", "examples"]);
  expect(unknown.code).toBe(2);
}, 90_000);
