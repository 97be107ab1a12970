/**
 * The Datasets page and the lineage explorer in Chromium, against a real `tributary start` that
 * runs examples/lineage.ts: orders_pipeline writes raw_orders and clean_orders, and the update of
 * clean_orders triggers daily_revenue_report and customer_churn_model (data-aware schedules).
 */
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiPost, ensureBuilt, logIn, openBrowser, ROOT, screenshot, startServer, workFolder, stopAll, type Browser, type RunningServer } from "./harness.js";

const RAW = "postgres://warehouse/raw_orders";
const CLEAN = "postgres://warehouse/clean_orders";

let dir: string;
let server: RunningServer;
let browser: Browser;

interface RunList {
  runs: { runId: string; state: string }[];
}

describe("datasets and lineage in the web UI", () => {
  beforeAll(async () => {
    ensureBuilt();
    dir = workFolder("lineage");
    // Only the lineage example (and the helpers and data it reads): its three DAGs.
    const dags = join(dir, "dags");
    mkdirSync(dags, { recursive: true });
    for (const entry of ["lineage.ts", "lib", "data"]) cpSync(join(ROOT, "examples", entry), join(dags, entry), { recursive: true });
    [server, browser] = await Promise.all([startServer({ dagsDir: dags, dir }), openBrowser()]);
  }, 60_000);

  afterAll(() => stopAll(browser, server, dir), 30_000);

  it("lists the datasets with their freshness and last writer once the pipeline ran", async () => {
    const { page } = browser;
    await logIn(page, server.url);
    await apiPost(page, server.url, "dags/orders_pipeline/runs", { params: {} });
    // clean_orders' update triggers both consumer DAGs: wait until each has a successful run.
    for (const dagId of ["orders_pipeline", "daily_revenue_report", "customer_churn_model"]) {
      await expect
        .poll(async () => ((await (await page.request.get(`${server.url}api/v1/runs?dagId=${dagId}&state=success`)).json()) as RunList).runs.length, { timeout: 40_000, interval: 300 })
        .toBeGreaterThan(0);
    }
    await page.goto(`${server.url}#/datasets`);
    const clean = page.locator(`tr[data-dataset="${CLEAN}"]`);
    await clean.waitFor();
    await page.locator(`tr[data-dataset="${RAW}"]`).waitFor();
    await expect.poll(() => clean.locator("[data-freshness]").getAttribute("data-freshness")).toBe("fresh");
    expect(await clean.locator(".col-writer").textContent()).toContain("orders_pipeline.transform_orders");
    const readers = await clean.locator('td[data-label="Read by"]').textContent();
    expect(readers).toContain("daily_revenue_report");
    expect(readers).toContain("customer_churn_model");
    await screenshot(page, "datasets-page");
  }, 60_000);

  it("explores the lineage of clean_orders, recentres on raw_orders and narrows to downstream", async () => {
    const { page } = browser;
    await page.locator(`tr[data-dataset="${CLEAN}"] td[data-label="Dataset"] a`).click();
    const graph = page.getByTestId("lineage-graph");
    await graph.waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator(".lineage-root").getAttribute("data-lineage-node")).toBe(`dataset:${CLEAN}`);
    const items = (list: string) => page.getByTestId(list).locator("[data-lineage-item]").evaluateAll((els) => els.map((el) => el.getAttribute("data-lineage-item")));
    await expect.poll(() => items("lineage-downstream")).toEqual(expect.arrayContaining(["dag:daily_revenue_report", "dag:customer_churn_model", "task:daily_revenue_report/build_report", "task:customer_churn_model/train_model"]));
    await expect.poll(() => items("lineage-upstream")).toEqual(expect.arrayContaining(["task:orders_pipeline/transform_orders", `dataset:${RAW}`, "task:orders_pipeline/ingest_orders"]));
    await page.waitForTimeout(300);
    await screenshot(page, "lineage-explorer");

    // Clicking a node recentres the graph on it.
    await graph.locator(`[data-lineage-node="dataset:${RAW}"]`).click();
    await expect.poll(() => page.locator(".lineage-root").getAttribute("data-lineage-node")).toBe(`dataset:${RAW}`);
    expect(new URLSearchParams(new URL(page.url()).hash.split("?")[1]).get("target")).toBe(RAW);
    await expect
      .poll(() => items("lineage-downstream"))
      .toEqual(expect.arrayContaining(["task:orders_pipeline/transform_orders", `dataset:${CLEAN}`, "dag:daily_revenue_report", "dag:customer_churn_model"]));
    await page.getByRole("button", { name: "Downstream", exact: true }).click();
    await expect.poll(() => page.getByTestId("lineage-upstream").count()).toBe(0);
    await expect.poll(() => graph.locator("[data-lineage-node]").count()).toBeGreaterThanOrEqual(5);
    await page.waitForTimeout(300);
    await screenshot(page, "lineage-downstream");
    // Back returns to the previous centre (the direction changed in place).
    await page.goBack();
    await expect.poll(() => page.locator(".lineage-root").getAttribute("data-lineage-node")).toBe(`dataset:${CLEAN}`);
  }, 60_000);

  it("links from a dataset node in the DAG graph to the explorer", async () => {
    const { page } = browser;
    await page.goto(`${server.url}#/dags/orders_pipeline?tab=graph`);
    const node = page.locator(".graph-dataset", { hasText: CLEAN });
    await node.waitFor({ timeout: 20_000 });
    await node.click();
    await expect.poll(() => page.locator(".lineage-root").getAttribute("data-lineage-node"), { timeout: 15_000 }).toBe(`dataset:${CLEAN}`);
    // A task as the centre: its DAG's other task feeds it.
    await page.getByTestId("lineage-graph").locator('[data-lineage-node="task:orders_pipeline/transform_orders"]').click();
    await expect.poll(() => page.locator(".lineage-root").getAttribute("data-lineage-node")).toBe("task:orders_pipeline/transform_orders");
    await expect.poll(() => page.getByTestId("lineage-upstream").locator("[data-lineage-item]").evaluateAll((els) => els.map((el) => el.getAttribute("data-lineage-item")))).toEqual(expect.arrayContaining(["task:orders_pipeline/ingest_orders", `dataset:${RAW}`]));
  }, 60_000);

  it("ran under the server's Content-Security-Policy without a single violation", () => {
    expect(browser.cspViolations).toEqual([]);
  });
});
