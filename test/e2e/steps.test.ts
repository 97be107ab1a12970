/**
 * Durable steps in the web UI, against a real `tributary start`: a task whose first try fails
 * after two steps and whose retry replays them lists its three steps (with the try that completed
 * each) in the task panel, and the run's Gantt view draws a bar for each step under its try.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiPost, logIn, screenshot, startWithDagFiles, type Browser, type E2eSession, type RunningServer } from "./harness.js";

const STEPS_DAG = `
import { dag } from "tributary-orchestrator";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default dag("e2e_steps", { description: "Three durable steps; the first try fails after two.", tags: ["e2e"], defaults: { retries: 1, retryDelay: "1s" } }, (d) => {
  d.task("etl", async (ctx) => {
    const rows = await ctx.step("extract", async () => { await pause(150); return [1, 2, 3]; });
    const total = await ctx.step("transform", async () => { await pause(150); return rows.reduce((a, b) => a + b, 0); });
    if (ctx.tryNumber === 1) throw new Error("the warehouse was not ready (the first try fails on purpose)");
    return ctx.step("load", async () => { await pause(150); return { loaded: total }; });
  });
});
`;

/** A value inside a quoted CSS attribute selector. */
const attr = (value: string) => value.replace(/["\\]/g, "\\$&");

let e2e: E2eSession;
let server: RunningServer;
let browser: Browser;
let runId = "";

describe("durable steps in the web UI", () => {
  beforeAll(async () => {
    e2e = await startWithDagFiles("steps", { "steps.ts": STEPS_DAG });
    ({ server, browser } = e2e);
  }, 60_000);

  afterAll(async () => e2e?.close(), 30_000);

  it("lists a task instance's steps in its panel, with the try that completed each", async () => {
    const { page } = browser;
    await logIn(page, server.url);
    runId = ((await apiPost(page, server.url, "dags/e2e_steps/runs", { params: {} })) as { runId: string }).runId;
    await page.goto(`${server.url}#/dags/e2e_steps?tab=grid&run=${encodeURIComponent(runId)}`);
    const cell = page.locator(`button.cell[data-run="${attr(runId)}"][data-task="etl"]`);
    await expect.poll(() => cell.getAttribute("data-state"), { timeout: 30_000 }).toBe("success");
    await cell.click();
    const rows = page.getByTestId("task-panel").getByTestId("task-steps").locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    expect(cells.map(([number, name, tried, , result]) => [number, name, tried, result])).toEqual([
      ["1", "extract", "#1", "[1,2,3]"],
      ["2", "transform", "#1", "6"],
      ["3", "load", "#2", '{"loaded":6}'],
    ]);
    await screenshot(page, "steps-task-panel");
  }, 60_000);

  it("draws each step under the try that ran it in the run's Gantt view", async () => {
    const { page } = browser;
    await page.goto(`${server.url}#/dags/e2e_steps?tab=gantt&run=${encodeURIComponent(runId)}`);
    const steps = page.getByTestId("gantt-step");
    await expect.poll(() => steps.count(), { timeout: 15_000 }).toBe(3);
    expect(await steps.evaluateAll((els) => els.map((el) => el.getAttribute("title")?.replace(/ran .*$/, "ran")))).toEqual([
      'step 1 "extract" (try 1): ran',
      'step 2 "transform" (try 1): ran',
      'step 3 "load" (try 2): ran',
    ]);
    await screenshot(page, "steps-gantt");
  }, 30_000);
});
