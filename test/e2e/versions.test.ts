/**
 * DAG versions in the web UI, against a real `tributary start`: a run of the DAG, then the DAG
 * file edited (a task replaced; the registry reloads it), then another run. The Graph and Code tabs
 * of the first run show the version it used, marked as older, with the removed task; clearing a
 * task of that run says it runs with the current version.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiPost, ensureBuilt, logIn, openBrowser, screenshot, startServer, workFolder, writeDagFile, stopAll, type Browser, type RunningServer } from "./harness.js";

const versionOf = (middle: string, note: string) => `
import { dag } from "tributary-orchestrator";

// ${note}
export default dag("e2e_versions", { description: "Changes between runs.", tags: ["e2e"] }, (d) => {
  const extract = d.task("extract", async () => 1);
  const middle = d.task("${middle}", { after: [extract] }, async () => 2);
  d.task("load", { after: [middle] }, async (ctx) => {
    ctx.log.info("loading with ${middle}");
    return 3;
  });
});
`;

interface Run {
  runId: string;
  state: string;
  dagVersion: string | null;
}

let dir: string;
let dags: string;
let server: RunningServer;
let browser: Browser;
let oldRun: Run;
let newRun: Run;
let currentVersion = "";

describe("DAG versions in the web UI", () => {
  beforeAll(async () => {
    ensureBuilt();
    dir = workFolder("versions");
    dags = join(dir, "dags");
    mkdirSync(dags, { recursive: true });
    writeDagFile(dags, "versions.ts", versionOf("old_step", "the first version"));
    [server, browser] = await Promise.all([startServer({ dagsDir: dags, dir }), openBrowser()]);
  }, 60_000);

  afterAll(() => stopAll(browser, server, dir), 30_000);

  const getJson = async <T>(path: string): Promise<T> => (await (await browser.page.request.get(`${server.url}api/v1/${path}`)).json()) as T;
  const finished = async (runId: string) => {
    await expect.poll(async () => (await getJson<Run>(`runs/${encodeURIComponent(runId)}`)).state, { timeout: 30_000, interval: 300 }).toBe("success");
    return getJson<Run>(`runs/${encodeURIComponent(runId)}`);
  };

  it("runs the DAG, edits it, runs it again: each run keeps its version", async () => {
    const { page } = browser;
    await logIn(page, server.url);
    const first = (await apiPost(page, server.url, "dags/e2e_versions/runs", { params: {} })) as Run;
    oldRun = await finished(first.runId);
    expect(oldRun.dagVersion).toMatch(/^[0-9a-f]{16}$/);
    writeDagFile(dags, "versions.ts", versionOf("new_step", "the second version, with new_step instead of old_step"));
    await expect
      .poll(async () => (await getJson<{ tasks: { id: string }[] }>("dags/e2e_versions")).tasks.map((t) => t.id), { timeout: 15_000, interval: 300 })
      .toContain("new_step");
    const second = (await apiPost(page, server.url, "dags/e2e_versions/runs", { params: {} })) as Run;
    newRun = await finished(second.runId);
    currentVersion = (await getJson<{ version: string }>("dags/e2e_versions")).version;
    expect(newRun.dagVersion).toBe(currentVersion);
    expect(oldRun.dagVersion).not.toBe(currentVersion);
  }, 60_000);

  it("shows the old run's graph and code, marked as an older version", async () => {
    const { page } = browser;
    await page.goto(`${server.url}#/dags/e2e_versions?tab=graph&run=${encodeURIComponent(oldRun.runId)}`);
    const note = page.getByTestId("version-note");
    await note.waitFor({ timeout: 20_000 });
    expect(await note.getAttribute("data-version")).toBe(oldRun.dagVersion);
    // The note appears with the run's version; the tasks removed since follow once that version's graph has loaded.
    await expect.poll(() => note.textContent(), { timeout: 20_000 }).toContain("old_step");
    const removed = page.locator('.graph-task[data-task="old_step"]');
    await removed.waitFor({ timeout: 20_000 });
    expect(await removed.getAttribute("data-removed")).toBe("true");
    await expect.poll(() => removed.getAttribute("data-state")).toBe("success");
    expect(await page.locator('.graph-task[data-task="new_step"]').count()).toBe(0);
    await page.waitForTimeout(300);
    await screenshot(page, "version-old-graph");

    await page.getByRole("tab", { name: "Code" }).click();
    const code = page.locator(".code-view");
    await expect.poll(() => code.getAttribute("data-version")).toBe(oldRun.dagVersion);
    expect(await code.textContent()).toContain('d.task("old_step"');
    await screenshot(page, "version-old-code");

    // The new run: its own (current) version, no marker.
    await page.getByRole("combobox", { name: "Run" }).selectOption(newRun.runId);
    await expect.poll(() => page.getByTestId("version-note").count()).toBe(0);
    await expect.poll(() => code.getAttribute("data-version")).toBe("current");
    expect(await code.textContent()).toContain('d.task("new_step"');
    expect(await page.getByTestId("version-line").getAttribute("data-version")).toBe(currentVersion);
    await page.getByRole("tab", { name: "Graph" }).click();
    await page.locator('.graph-task[data-task="new_step"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('.graph-task[data-task="old_step"]').count()).toBe(0);
  }, 60_000);

  it("says which version a cleared task of the old run runs with", async () => {
    const { page } = browser;
    await page.goto(`${server.url}#/dags/e2e_versions?tab=graph&run=${encodeURIComponent(oldRun.runId)}&task=old_step`);
    const panel = page.getByTestId("task-panel");
    // The removed task cannot run again: the current version has no such task.
    await expect.poll(() => panel.getByTestId("clear-version").textContent(), { timeout: 15_000 }).toContain("has no task old_step");
    expect(await panel.getByRole("button", { name: "↻ Clear" }).isDisabled()).toBe(true);

    await page.locator('.graph-task[data-task="load"]').click();
    await panel.getByRole("heading", { name: "load" }).waitFor();
    const message = panel.getByTestId("clear-version");
    await expect.poll(() => message.textContent()).toContain(`Clear runs it with the current version ${currentVersion.slice(0, 10)}`);
    await screenshot(page, "version-clear");
    await panel.getByRole("button", { name: "↻ Clear" }).click();
    await expect.poll(() => panel.getByRole("status").textContent()).toContain(`runs again with version ${currentVersion.slice(0, 10)}`);
    // The run now names the version it runs with.
    await expect.poll(async () => (await getJson<Run>(`runs/${encodeURIComponent(oldRun.runId)}`)).dagVersion, { timeout: 15_000 }).toBe(currentVersion);
    await expect.poll(() => panel.getByTestId("task-state").getAttribute("data-state"), { timeout: 30_000 }).toBe("success");
  }, 60_000);
});
