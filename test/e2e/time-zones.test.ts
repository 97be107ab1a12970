/**
 * Times in the web UI, against a real `tributary start`: every time says its zone; the header's
 * picker shows them in UTC (the default), the browser's zone or, on DAG pages, the DAG's zone, and
 * remembers the choice across reloads; the same run reads the same on every page. Chromium runs
 * in Asia/Tehran (UTC+3:30), so the browser's zone differs from both UTC and the DAG's
 * Europe/Berlin (UTC+1 in March).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiPost, logIn, screenshot, startWithDagFiles, type Browser, type E2eSession, type RunningServer } from "./harness.js";

const BERLIN_DAG = `
import { dag } from "tributary-orchestrator";

export default dag("e2e_berlin", { description: "Every day at 06:00 in Berlin.", tags: ["e2e"], schedule: "0 6 * * *", timezone: "Europe/Berlin", startDate: "2024-01-01", catchup: false }, (d) => {
  d.task("report", async (ctx) => {
    ctx.log.info(\`the report for \${ctx.ds}\`);
    return 1;
  });
});
`;

/** A value inside a quoted CSS attribute selector. */
const attr = (value: string) => value.replace(/["\\]/g, "\\$&");

let e2e: E2eSession;
let server: RunningServer;
let browser: Browser;
let runId = "";

describe("time zones in the web UI", () => {
  beforeAll(async () => {
    e2e = await startWithDagFiles("time-zones", { "berlin.ts": BERLIN_DAG }, { workers: 2, timezoneId: "Asia/Tehran" });
    ({ server, browser } = e2e);
  }, 60_000);

  afterAll(() => e2e?.close(), 30_000);

  const runRow = () => browser.page.locator(`tr[data-run-id="${attr(runId)}"]`);

  it("shows a run the same, in UTC and saying so, on the Runs page and on its DAG's Runs tab", async () => {
    const { page } = browser;
    await logIn(page, server.url);
    const run = (await apiPost(page, server.url, "dags/e2e_berlin/runs", { params: {}, logicalDate: "2024-03-01" })) as { runId: string; logicalDate: string };
    runId = run.runId;
    // 06:00 in Berlin is 05:00 UTC.
    expect(run.logicalDate).toBe("2024-03-01T05:00:00.000Z");
    await expect.poll(async () => ((await (await page.request.get(`${server.url}api/v1/runs/${encodeURIComponent(runId)}`)).json()) as { state: string }).state, { timeout: 30_000 }).toBe("success");

    await page.goto(`${server.url}#/runs`);
    await expect.poll(() => runRow().textContent()).toContain("2024-03-01 05:00 UTC");
    // The start time says its zone too.
    const times = await runRow().locator("time").allTextContents();
    expect(times.length).toBeGreaterThanOrEqual(2);
    for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})? UTC$/);
    await screenshot(page, "time-zones-runs-page-utc");

    await page.goto(`${server.url}#/dags/e2e_berlin?tab=runs`);
    await expect.poll(() => runRow().textContent()).toContain("2024-03-01 05:00 UTC");
  }, 90_000);

  it("switches to the DAG's zone or the browser's in the header, and remembers it across a reload", async () => {
    const { page } = browser;
    const picker = page.getByLabel("Time zone");
    expect(await picker.locator("option").allTextContents()).toEqual(["UTC", "Browser: Asia/Tehran", "DAG: Europe/Berlin"]);
    await picker.selectOption({ label: "DAG: Europe/Berlin" });
    await expect.poll(() => runRow().textContent()).toContain("2024-03-01 06:00 UTC+1");
    await page.reload();
    await expect.poll(() => runRow().textContent()).toContain("2024-03-01 06:00 UTC+1");
    expect(await page.getByLabel("Time zone").inputValue()).toBe("dag");
    await screenshot(page, "time-zones-dag-zone");

    await page.getByLabel("Time zone").selectOption({ label: "Browser: Asia/Tehran" });
    await expect.poll(() => runRow().textContent()).toContain("2024-03-01 08:30 UTC+3:30");
    // The Runs page follows the same choice.
    await page.goto(`${server.url}#/runs`);
    await expect.poll(() => runRow().textContent()).toContain("2024-03-01 08:30 UTC+3:30");
    expect(await page.getByLabel("Time zone").inputValue()).toBe("browser");
  }, 60_000);

  it("labels the grid's columns with their logical dates, and every time in the task panel and Details with its zone", async () => {
    const { page } = browser;
    await page.goto(`${server.url}#/dags/e2e_berlin?tab=grid&run=${encodeURIComponent(runId)}`);
    // The run named in the URL is the selected column.
    const date = page.locator(".grid-run.selected .run-date");
    await date.waitFor();
    expect(await date.isVisible()).toBe(true);
    expect(await date.textContent()).toBe("03-01 08:30");
    expect(await page.locator(".grid-corner").textContent()).toContain("Asia/Tehran");

    await page.locator(`button.cell[data-run="${attr(runId)}"][data-task="report"]`).click();
    const panel = page.getByTestId("task-panel");
    await expect.poll(() => panel.getByTestId("task-state").getAttribute("data-state")).toBe("success");
    const history = await panel.locator(".history time").allTextContents();
    expect(history.length).toBeGreaterThan(0);
    for (const time of history) expect(time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+3:30$/);
    await expect.poll(() => panel.getByTestId("log-line").count()).toBeGreaterThan(0);
    expect(await panel.locator(".log-toolbar").textContent()).toContain("Asia/Tehran");
    await screenshot(page, "time-zones-grid-browser-zone");

    await page.getByRole("tab", { name: "Details" }).click();
    // startDate 2024-01-01 in Berlin is 02:30 on January 1 in Tehran.
    await expect.poll(() => page.locator(".facts").textContent()).toContain("2024-01-01 02:30 UTC+3:30");
  }, 60_000);

  it("ran under the server's Content-Security-Policy without a single violation", () => {
    expect(browser.cspViolations).toEqual([]);
  });
});
