/**
 * Everyday run management in Chromium, against a real `tributary start`: the Backfills page with
 * live progress, Pause, Resume and Cancel, bulk actions on runs (the Runs page and a DAG's Runs tab), run notes,
 * and the duration chart of a DAG's recent runs. The tests share the server and the browser and
 * run in order; each leaves a screenshot in test-results/.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { apiPost, logIn, screenshot, useServerAndBrowser, writeDagFile, type BrowserWindow } from "./harness.js";

/** A daily DAG whose runs take `sleepMs`; the run of `failOn` (a ds) fails. No scheduled runs: its dates ended long ago. */
const nightlyDag = (dagId: string, sleepMs: number, failOn: string) => `
import { dag } from "tributary-orchestrator";

export default dag("${dagId}", { schedule: "@daily", startDate: "2023-01-01", endDate: "2023-01-01", catchup: false, defaults: { retries: 0 } }, (d) => {
  d.task("load", async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, ${sleepMs}));
    if (ctx.ds === "${failOn}") throw new Error("the source had no file for ${failOn}");
    return { day: ctx.ds };
  });
});
`;

/** Manual only: its first try fails, any later one (after a clear) succeeds. */
const FIRST_TRY_FAILS = `
import { dag } from "tributary-orchestrator";

export default dag("e2e_first_try_fails", { schedule: null, defaults: { retries: 0 } }, (d) => {
  const check = d.task("check", async (ctx) => {
    if (ctx.tryNumber === 1) throw new Error("the first try fails on purpose");
    return { ok: true };
  });
  d.task("report", { after: [check] }, async () => ({ done: true }));
});
`;

interface RunJson {
  readonly runId: string;
  readonly state: string;
  readonly note?: { readonly note: string; readonly updatedBy: string | null } | null;
}

const attr = (value: string) => value.replace(/["\\]/g, "\\$&");

const e2e = useServerAndBrowser(
  "run-management",
  (dags) => {
    writeDagFile(dags, "nightly.ts", nightlyDag("e2e_nightly", 300, "2024-03-02"));
    writeDagFile(dags, "slow-nightly.ts", nightlyDag("e2e_slow_nightly", 2_500, "never"));
    writeDagFile(dags, "first-try-fails.ts", FIRST_TRY_FAILS);
  },
  { width: 1280, height: 800 },
);

async function getJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(`${e2e.server.url}api/v1/${path}`);
  if (!response.ok()) throw new Error(`GET ${path}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

const runOf = (page: Page, runId: string) => getJson<RunJson>(page, `runs/${encodeURIComponent(runId)}`);

async function trigger(page: Page, dagId: string): Promise<string> {
  return ((await apiPost(page, e2e.server.url, `dags/${dagId}/runs`, { params: {} })) as RunJson).runId;
}

async function waitForState(page: Page, runId: string, states: readonly string[], timeout = 30_000): Promise<void> {
  await expect.poll(async () => (await runOf(page, runId)).state, { timeout, interval: 250 }).toSatisfy((s: string) => states.includes(s));
}

/** The state badge of a run's row in a runs table. */
const rowState = (page: Page, runId: string) => page.locator(`tr[data-run-id="${attr(runId)}"] .badge`).first().textContent();
const selectRow = (page: Page, runId: string) => page.locator(`tr[data-run-id="${attr(runId)}"] input[type="checkbox"]`).check();

describe("run management in the web UI", () => {
  it("lists backfills with their progress, updating live; pauses, resumes and cancels a running one", async () => {
    const { page } = e2e.browser;
    await logIn(page, e2e.server.url);
    const quick = (await apiPost(page, e2e.server.url, "dags/e2e_nightly/backfills", { from: "2024-03-01", to: "2024-03-04", maxActiveRuns: 1 })) as { id: number };
    const slow = (await apiPost(page, e2e.server.url, "dags/e2e_slow_nightly/backfills", { from: "2024-03-01", to: "2024-03-10", maxActiveRuns: 1 })) as { id: number };
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Backfills" }).click();
    await page.getByRole("heading", { name: "Backfills" }).waitFor();
    await page.evaluate(() => {
      (globalThis as unknown as BrowserWindow).e2eSameDocument = true;
    });
    const quickRow = page.locator(`tr[data-backfill-id="${quick.id}"]`);
    const slowRow = page.locator(`tr[data-backfill-id="${slow.id}"]`);
    expect(await quickRow.locator(".col-dag").textContent()).toBe("e2e_nightly");
    // In the DAG's zone (UTC here), with its offset as every time in the UI; the end reads as its last day.
    expect(await quickRow.locator(".col-range").textContent()).toBe("2024-03-01 UTC → 2024-03-04 UTC");
    expect(await slowRow.locator(".col-dag").textContent()).toBe("e2e_slow_nightly");

    // The progress moves without a reload, to 4 of 4 with the failed run counted.
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const text = (await quickRow.getByTestId("backfill-progress").textContent()) ?? "";
          seen.add(text);
          return text;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toMatch(/^4 of 4 runs done · 1 failed/);
    expect(seen.size, [...seen].join(" | ")).toBeGreaterThan(1);
    await expect.poll(() => quickRow.locator(".col-state").textContent(), { timeout: 15_000 }).toBe("completed");
    expect(await quickRow.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("4");
    expect(await quickRow.getByRole("button", { name: /Cancel/ }).count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as BrowserWindow).e2eSameDocument)).toBe(true);

    // The slow one is still running: cancel it from its row.
    await expect.poll(() => slowRow.locator(".col-state").textContent()).toBe("running");
    await expect.poll(() => slowRow.getByTestId("backfill-progress").textContent(), { timeout: 20_000 }).toMatch(/1 running/);
    // The progress bars grow with a short transition.
    await page.waitForTimeout(400);
    await screenshot(page, "backfills-page");
    // Paused, it offers Resume (and Cancel) instead of Pause; resumed, it runs again.
    await slowRow.getByRole("button", { name: `Pause backfill ${slow.id}` }).click();
    await expect.poll(() => slowRow.locator(".col-state").textContent()).toBe("paused");
    expect(await slowRow.getByRole("button", { name: `Pause backfill ${slow.id}` }).count()).toBe(0);
    await slowRow.getByRole("button", { name: `Resume backfill ${slow.id}` }).click();
    await expect.poll(() => slowRow.locator(".col-state").textContent()).toBe("running");
    await slowRow.getByRole("button", { name: `Cancel backfill ${slow.id}` }).click();
    await expect.poll(() => slowRow.locator(".col-state").textContent()).toBe("cancelled");
    const stored = await getJson<{ state: string; progress: { done: number; total: number } }>(page, `backfills/${slow.id}`);
    expect(stored.state).toBe("cancelled");
    expect(stored.progress.done).toBeLessThan(stored.progress.total);
  }, 120_000);

  it("clears the failed tasks of several runs at once from the Runs page, and marks and cancels in bulk", async () => {
    const { page } = e2e.browser;
    const failing = [await trigger(page, "e2e_first_try_fails"), await trigger(page, "e2e_first_try_fails")];
    const fine = await trigger(page, "e2e_nightly");
    for (const runId of failing) await waitForState(page, runId, ["failed"]);
    await waitForState(page, fine, ["success"]);

    await page.goto(`${e2e.server.url}#/runs`);
    for (const runId of [...failing, fine]) await selectRow(page, runId);
    const toolbar = page.getByRole("toolbar", { name: "Bulk actions" });
    expect(await toolbar.getByTestId("selected-count").textContent()).toBe("3 runs selected");
    await screenshot(page, "runs-bulk-selected");
    await toolbar.getByRole("button", { name: "Clear failed tasks" }).click();
    const outcome = page.getByTestId("bulk-outcome");
    await expect.poll(() => outcome.textContent()).toContain("Cleared failed tasks of 2 runs");
    expect(await outcome.textContent()).toContain(`run ${fine} has no failed tasks to clear`);
    // The cleared runs run again and succeed; the table follows live.
    for (const runId of failing) await expect.poll(() => rowState(page, runId), { timeout: 30_000 }).toBe("success");
    // The selection is cleared after an action.
    expect(await page.getByRole("toolbar", { name: "Bulk actions" }).count()).toBe(0);
    await screenshot(page, "runs-bulk-cleared");

    for (const runId of failing) await selectRow(page, runId);
    await page.getByRole("toolbar", { name: "Bulk actions" }).getByRole("button", { name: "Mark failed" }).click();
    for (const runId of failing) await expect.poll(() => rowState(page, runId)).toBe("failed");
    const audit = await getJson<{ entries: { action: string; target: string; details: Record<string, unknown> }[] }>(page, "audit?action=run.mark_failed");
    expect(audit.entries.map((e) => e.target).sort()).toEqual([...failing].sort());
    expect(audit.entries.every((e) => e.details.bulk === true)).toBe(true);

    const slow = await trigger(page, "e2e_slow_nightly");
    await waitForState(page, slow, ["running"]);
    await page.locator(`tr[data-run-id="${attr(slow)}"]`).waitFor();
    await selectRow(page, slow);
    await page.getByRole("toolbar", { name: "Bulk actions" }).getByRole("button", { name: "Cancel runs" }).click();
    await expect.poll(() => rowState(page, slow)).toBe("failed");
    expect((await runOf(page, slow)).state).toBe("failed");
  }, 120_000);

  it("marks every run of a DAG success from its Runs tab with select-all", async () => {
    const { page } = e2e.browser;
    await page.goto(`${e2e.server.url}#/dags/e2e_first_try_fails?tab=runs`);
    // Only a hash changes: until the DAG page has replaced the Runs page the last test left, that
    // page's rows and select-all box are still there (a click on them once changed nothing).
    await page.getByRole("tab", { name: "Runs", selected: true }).waitFor();
    const tabPanel = page.getByRole("tabpanel");
    await tabPanel.locator("tr[data-run-id]").first().waitFor();
    await tabPanel.getByLabel("Select every run on this page").check();
    const toolbar = page.getByRole("toolbar", { name: "Bulk actions" });
    expect(await toolbar.getByTestId("selected-count").textContent()).toBe("2 runs selected");
    await toolbar.getByRole("button", { name: "Mark success" }).click();
    await expect.poll(() => page.locator("tr[data-run-id] .badge").allTextContents()).toEqual(["success", "success"]);
    const runs = await getJson<{ runs: RunJson[] }>(page, "runs?dagId=e2e_first_try_fails");
    expect(runs.runs.map((r) => r.state)).toEqual(["success", "success"]);
  }, 60_000);

  it("writes a note on a run, shown on the run, in the Runs tab and in the API", async () => {
    const { page } = e2e.browser;
    const runs = await getJson<{ runs: RunJson[] }>(page, "runs?dagId=e2e_first_try_fails");
    const runId = runs.runs[0]?.runId ?? "";
    await page.goto(`${e2e.server.url}#/dags/e2e_first_try_fails?tab=grid&run=${encodeURIComponent(runId)}`);
    const panel = page.getByTestId("run-panel");
    await panel.getByRole("heading", { name: "Run" }).waitFor();
    expect(await panel.getByTestId("run-id").textContent()).toBe(runId);
    await panel.getByLabel("Note").fill("Marked success by hand: the check was a false alarm (INC-42).");
    await panel.getByRole("button", { name: "Save note" }).click();
    await expect.poll(() => panel.getByTestId("note-byline").textContent()).toMatch(/^by admin, /);
    await screenshot(page, "run-note");
    const stored = await runOf(page, runId);
    expect(stored.note).toMatchObject({ note: "Marked success by hand: the check was a false alarm (INC-42).", updatedBy: "admin" });
    // A reload shows the stored note.
    await page.reload();
    await expect.poll(() => page.getByTestId("run-panel").getByLabel("Note").inputValue()).toBe("Marked success by hand: the check was a false alarm (INC-42).");
    await page.getByRole("tab", { name: "Runs" }).click();
    await expect.poll(() => page.locator(`tr[data-run-id="${attr(runId)}"] .run-note`).textContent()).toContain("false alarm (INC-42)");
  }, 60_000);

  it("keeps the run panel current while the run runs", async () => {
    const { page } = e2e.browser;
    const runId = await trigger(page, "e2e_slow_nightly");
    await page.goto(`${e2e.server.url}#/dags/e2e_slow_nightly?tab=grid&run=${encodeURIComponent(runId)}`);
    const badge = page.getByTestId("run-panel").locator(".task-summary .badge");
    await expect.poll(() => badge.textContent()).toMatch(/^(queued|running)$/);
    // The run takes 2.5 s: the panel turns green without a reload.
    await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toBe("success");
    expect(await page.getByTestId("run-panel").locator("dt:text-is('Ended') + dd").textContent()).not.toBe("–");
  }, 60_000);

  it("draws the durations of a DAG's recent runs, coloured by state, with a tooltip", async () => {
    const { page } = e2e.browser;
    await page.goto(`${e2e.server.url}#/dags/e2e_slow_nightly?tab=runs`);
    const chart = page.getByTestId("duration-chart");
    await chart.waitFor();
    const runs = await getJson<{ runs: (RunJson & { logicalDate: string; startedAt: string | null; endedAt: string | null })[] }>(page, "runs?dagId=e2e_slow_nightly");
    // A bar per started run (a running one grows); the comparisons below are between finished ones.
    await expect.poll(() => chart.locator("rect.duration-bar").count()).toBe(runs.runs.filter((r) => r.startedAt !== null).length);
    const finished = runs.runs.filter((r) => r.startedAt !== null && r.endedAt !== null);
    const longest = finished.reduce((a, b) => (Date.parse(a.endedAt ?? "") - Date.parse(a.startedAt ?? "") >= Date.parse(b.endedAt ?? "") - Date.parse(b.startedAt ?? "") ? a : b));
    const shortest = finished.reduce((a, b) => (Date.parse(a.endedAt ?? "") - Date.parse(a.startedAt ?? "") <= Date.parse(b.endedAt ?? "") - Date.parse(b.startedAt ?? "") ? a : b));
    const bar = (runId: string) => chart.locator(`rect.duration-bar[data-run-id="${attr(runId)}"]`);
    // Coloured by state; as tall as the run was long.
    expect(await bar(longest.runId).getAttribute("class")).toContain(`state-${longest.state}`);
    expect(await bar(shortest.runId).getAttribute("class")).toContain(`state-${shortest.state}`);
    expect(Number(await bar(longest.runId).getAttribute("height"))).toBeGreaterThan(Number(await bar(shortest.runId).getAttribute("height")));
    await bar(longest.runId).hover();
    const tooltip = page.getByRole("tooltip");
    await expect.poll(() => tooltip.textContent()).toContain(longest.runId);
    // Its own logical date (the page shows UTC): a backfilled day, or today's manual run of the test above.
    expect(await tooltip.textContent()).toContain(`logical date ${longest.logicalDate.slice(0, 10)}`);
    expect(await tooltip.textContent()).toMatch(/\d(\.\d)? s/);
    await screenshot(page, "duration-chart");
  }, 60_000);

  it("ran under the server's Content-Security-Policy without a single violation", () => {
    expect(e2e.browser.cspViolations).toEqual([]);
  });
});
