/**
 * The UI end to end, as a data engineer uses it: Chromium against a real `tributary start` on a
 * copy of examples/ (plus one DAG that fails its first run). The tests share the server and the
 * browser and run in order; each leaves a screenshot in test-results/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiPost, copyExamples, ensureBuilt, logIn, openBrowser, screenshot, startServer, workFolder, writeDagFile, stopAll, type Browser, type BrowserWindow, type RunningServer } from "./harness.js";

const EXAMPLE_DAGS = ["daily_sales_report", "flaky_api", "partition_fan_out", "shell_report", "weekday_or_weekend"];
const SALES_TASKS = ["extract_crm", "extract_erp", "join_sources", "transform_revenue", "validate_data", "load_warehouse", "notify_team"];

/** Fails the first time it runs (leaving a marker next to the DAG folder), succeeds once cleared. */
const FAIL_ONCE_DAG = `
import { existsSync, writeFileSync } from "node:fs";
import { dag } from "tributary-orchestrator";

const marker = new URL("../fail-once-marker", import.meta.url);

export default dag("e2e_fail_once", { description: "Fails on its first run; succeeds when cleared.", tags: ["e2e"], defaults: { retries: 0 } }, (d) => {
  const fetched = d.task("fetch_data", async (ctx) => {
    if (!existsSync(marker)) {
      writeFileSync(marker, "ran");
      throw new Error("the source was not ready (the first run fails on purpose)");
    }
    ctx.log.info("the source is ready now");
    return { rows: 3 };
  });
  d.task("summarize", { inputs: { fetched } }, async (ctx, { fetched }) => {
    ctx.log.info(\`summarizing \${fetched.rows} rows\`);
    return { rows: fetched.rows };
  });
});
`;

/**
 * Run in the page: records, per run, every state a grid cell shows from now on (in
 * `window.e2eCellStates`). The page sees each change as it renders it; polling from the test
 * missed them once, under load, when the whole run ended between two polls (a string: this
 * project's TypeScript has no DOM library).
 */
const RECORD_CELL_STATES = `(() => {
  const seen = (window.e2eCellStates = {});
  const record = (el) => {
    if (el.matches("button.cell[data-run]")) (seen[el.dataset.run] ??= []).push(el.dataset.state);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "attributes") record(m.target);
      for (const node of m.addedNodes) {
        if (node.nodeType !== 1) continue;
        record(node);
        node.querySelectorAll("button.cell[data-run]").forEach(record);
      }
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
})()`;

/** A value inside a quoted CSS attribute selector. */
const attr = (value: string) => value.replace(/["\\]/g, "\\$&");

let dir: string;
let server: RunningServer;
let browser: Browser;
let salesRunId = "";

describe("the web UI in Chromium", () => {
  beforeAll(async () => {
    ensureBuilt();
    dir = workFolder("flows");
    const dags = copyExamples(dir);
    writeDagFile(dags, "fail-once.ts", FAIL_ONCE_DAG);
    [server, browser] = await Promise.all([startServer({ dagsDir: dags, dir }), openBrowser()]);
  }, 60_000);

  afterAll(() => stopAll(browser, server, dir), 30_000);

  it("logs in and lists the example DAGs with their schedules", async () => {
    const { page } = browser;
    await logIn(page, server.url);
    await expect.poll(() => page.getByTestId("current-user").textContent()).toContain("admin");
    for (const dagId of [...EXAMPLE_DAGS, "e2e_fail_once"]) await page.locator(`[data-dag-row="${dagId}"]`).waitFor();
    const sales = page.locator('[data-dag-row="daily_sales_report"]');
    await expect.poll(() => sales.locator(".col-schedule").textContent()).toMatch(/06:00.*Europe\/Berlin/);
    // Search narrows the list as you type.
    const all = await page.locator("[data-dag-row]").count();
    await page.getByLabel("Search DAGs").fill("sales_report");
    await expect.poll(() => page.locator("[data-dag-row]").count()).toBe(1);
    await page.getByLabel("Search DAGs").fill("");
    await expect.poll(() => page.locator("[data-dag-row]").count()).toBe(all);
    await screenshot(page, "dags-page");
  }, 60_000);

  it("triggers the daily sales report with a param and watches the grid turn green live", async () => {
    const { page } = browser;
    await page.locator('[data-dag-row="daily_sales_report"] .dag-link').click();
    await page.getByRole("tab", { name: "Grid" }).click();
    await page.getByRole("button", { name: "▶ Trigger" }).click();
    const dialog = page.getByRole("dialog", { name: "Trigger daily_sales_report" });
    await dialog.getByLabel("region").selectOption("us");
    // A day the sample data covers, so the report has orders in it.
    await dialog.getByLabel("Logical date (optional)").fill("2024-03-01");
    await page.evaluate(RECORD_CELL_STATES);
    await dialog.getByRole("button", { name: "Trigger run" }).click();
    await expect.poll(() => new URL(page.url()).hash).toContain("run=");
    salesRunId = new URLSearchParams(new URL(page.url()).hash.split("?")[1]).get("run") ?? "";
    expect(salesRunId).not.toBe("");
    // A marker in the page: had the page reloaded, it would be gone.
    await page.evaluate(() => {
      (globalThis as unknown as BrowserWindow).e2eSameDocument = true;
    });
    const cells = page.locator(`button.cell[data-run="${attr(salesRunId)}"]`);
    await expect.poll(() => cells.count(), { timeout: 15_000 }).toBe(SALES_TASKS.length);
    await expect
      .poll(async () => (await cells.evaluateAll((els) => els.map((el) => el.getAttribute("data-state") ?? ""))).every((s) => s === "success"), { timeout: 60_000, interval: 200 })
      .toBe(true);
    // The grid moved through other states before it was all green, without a reload.
    const seen = (await page.evaluate(`window.e2eCellStates[${JSON.stringify(salesRunId)}] ?? []`)) as string[];
    expect(seen.some((s) => s !== "success")).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as BrowserWindow).e2eSameDocument)).toBe(true);
    const run = (await (await page.request.get(`${server.url}api/v1/runs/${encodeURIComponent(salesRunId)}`)).json()) as { params: Record<string, unknown>; state: string; logicalDate: string };
    expect(run.params).toMatchObject({ region: "us" });
    // Midnight or the schedule time of 2024-03-01 in Berlin, which is still February 29 in UTC at midnight.
    expect(run.logicalDate).toMatch(/^2024-(02-29T2|03-01T0)/);
    await expect.poll(() => page.locator(`.grid-run.selected [data-run-state]`).getAttribute("data-run-state")).toBe("success");
    await screenshot(page, "grid-view");
  }, 90_000);

  it("opens join_sources' log with the keyboard and searches it", async () => {
    const { page } = browser;
    const cell = page.locator(`button.cell[data-run="${attr(salesRunId)}"][data-task="join_sources"]`);
    await cell.focus();
    await page.keyboard.press("Enter");
    const panel = page.getByTestId("task-panel");
    await panel.getByRole("heading", { name: "join_sources" }).waitFor();
    await expect.poll(() => panel.getByTestId("task-state").getAttribute("data-state")).toBe("success");
    await expect.poll(() => panel.getByTestId("log-line").allTextContents(), { timeout: 15_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/joined [1-9]\d* orders to \d+ customers/)]));
    await panel.getByLabel("Search the log").fill("customers");
    await expect.poll(async () => {
      const lines = await panel.getByTestId("log-line").allTextContents();
      return lines.length > 0 && lines.every((l) => l.includes("customers"));
    }).toBe(true);
    await expect.poll(() => panel.locator("mark").count()).toBeGreaterThan(0);
    await screenshot(page, "task-panel-log");
    // The graph of the same run, coloured by its states.
    await page.getByRole("tab", { name: "Graph" }).click();
    const node = page.locator('.graph-task[data-task="load_warehouse"]');
    await node.waitFor({ timeout: 20_000 });
    await expect.poll(() => node.getAttribute("data-state")).toBe("success");
    await expect.poll(() => page.locator(".graph-dataset").count()).toBe(2);
    await page.getByRole("button", { name: "Close the task panel" }).click();
    await page.waitForTimeout(300);
    await screenshot(page, "graph-view");
    // The Gantt chart of the run: one bar per try, after its queue wait.
    await page.getByRole("tab", { name: "Gantt" }).click();
    await expect.poll(() => page.locator(".gantt-bar.state-success").count()).toBe(SALES_TASKS.length);
    await screenshot(page, "gantt-view");
  }, 60_000);

  it("clears a failed task and sees it rerun", async () => {
    const { page } = browser;
    const run = (await apiPost(page, server.url, "dags/e2e_fail_once/runs", { params: {} })) as { runId: string };
    await page.goto(`${server.url}#/dags/e2e_fail_once?tab=grid&run=${encodeURIComponent(run.runId)}`);
    const cell = (task: string) => page.locator(`button.cell[data-run="${attr(run.runId)}"][data-task="${task}"]`);
    await expect.poll(() => cell("fetch_data").getAttribute("data-state"), { timeout: 30_000 }).toBe("failed");
    await expect.poll(() => cell("summarize").getAttribute("data-state"), { timeout: 15_000 }).toBe("upstream_failed");
    await cell("fetch_data").click();
    const panel = page.getByTestId("task-panel");
    await expect.poll(() => panel.getByTestId("task-state").getAttribute("data-state")).toBe("failed");
    await expect.poll(() => panel.locator(".error-text").textContent()).toContain("the first run fails on purpose");
    await screenshot(page, "failed-task");
    await panel.getByLabel("and downstream").check();
    await panel.getByRole("button", { name: "↻ Clear" }).click();
    await expect.poll(() => panel.getByTestId("task-state").getAttribute("data-state"), { timeout: 30_000 }).toBe("success");
    await expect.poll(() => cell("summarize").getAttribute("data-state"), { timeout: 30_000 }).toBe("success");
    await expect.poll(() => cell("fetch_data").getAttribute("data-state")).toBe("success");
    // Both tries are listed: the failed one and the rerun.
    await expect.poll(() => panel.locator("tbody tr").count()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => panel.getByTestId("log-line").allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringContaining("the source is ready now")]));
    await screenshot(page, "cleared-task");
  }, 90_000);

  it("previews a backfill (dry run) of the daily sales report", async () => {
    const { page } = browser;
    await page.goto(`${server.url}#/dags/daily_sales_report?tab=runs`);
    await page.getByRole("button", { name: "Backfill…" }).click();
    const dialog = page.getByRole("dialog", { name: "Backfill daily_sales_report" });
    await dialog.getByLabel("From").fill("2024-03-01");
    await dialog.getByLabel("To (included)").fill("2024-03-05");
    await dialog.getByLabel("Runs at a time").fill("2");
    await dialog.getByRole("button", { name: "Preview (dry run)" }).click();
    const preview = dialog.getByTestId("backfill-preview");
    await expect.poll(() => preview.locator("strong").textContent()).toBe("5 intervals, 5 to run");
    await expect.poll(() => preview.locator("li").allTextContents()).toEqual(["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05"].map((d) => expect.stringContaining(d)));
    expect(await dialog.getByRole("button", { name: "Start backfill" }).isEnabled()).toBe(true);
    await screenshot(page, "backfill-dry-run");
    // A dry run creates nothing.
    const runs = (await (await page.request.get(`${server.url}api/v1/runs?dagId=daily_sales_report&runType=backfill`)).json()) as { total: number };
    expect(runs.total).toBe(0);
    await dialog.getByRole("button", { name: "Close", exact: true }).click();
  }, 60_000);

  it("fits a phone-sized screen, in the dark theme too", async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}#/dags`);
    await page.locator('[data-dag-row="daily_sales_report"]').waitFor();
    const overflow = () =>
      page.evaluate(() => {
        const w = globalThis as unknown as BrowserWindow;
        return w.document.documentElement.scrollWidth - w.innerWidth;
      });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "phone-dags");
    await page.getByRole("button", { name: /Switch to (dark|light) theme/ }).click();
    await page.goto(`${server.url}#/dags/daily_sales_report?tab=grid`);
    await page.locator("button.cell").first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "phone-grid-dark");
    await page.setViewportSize({ width: 1280, height: 860 });
  }, 60_000);

  it("ran under the server's Content-Security-Policy without a single violation", () => {
    expect(browser.cspViolations).toEqual([]);
  });
});
