/**
 * Human approvals in Chromium, against a real `tributary start`: a run waits at an approval; the
 * Approvals page (with its count in the navigation) lists it; a value the form refuses (in the
 * browser, or on the server: 422 next to the field) leaves the run waiting; a valid answer
 * approves it and the downstream task receives it. A second run is rejected from the task panel;
 * a viewer sees a third one only among all waiting approvals, with the form disabled.
 * The tests share the server and the browser and run in order; each leaves a screenshot.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { apiPost, logIn, ROOT, screenshot, useServerAndBrowser } from "./harness.js";

const FIXTURE = join(ROOT, "test", "fixtures", "e2e-approval-dags", "release.ts");

interface InstanceJson {
  readonly taskId: string;
  readonly state: string;
  readonly waitReason: string | null;
  readonly result: unknown;
  readonly error: string | null;
}

const e2e = useServerAndBrowser("approvals", (dags) => copyFileSync(FIXTURE, join(dags, "release.ts")));

const attr = (value: string) => value.replace(/["\\]/g, "\\$&");

async function getJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(`${e2e.server.url}api/v1/${path}`);
  if (!response.ok()) throw new Error(`GET ${path}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

async function instance(page: Page, runId: string, taskId: string): Promise<InstanceJson | undefined> {
  const { taskInstances } = await getJson<{ taskInstances: InstanceJson[] }>(page, `runs/${encodeURIComponent(runId)}/tasks`);
  return taskInstances.find((t) => t.taskId === taskId);
}

/** Triggers a run of e2e_release and waits until its approval waits. */
async function runWaitingForReview(page: Page): Promise<string> {
  const { runId } = (await apiPost(page, e2e.server.url, "dags/e2e_release/runs", { params: {} })) as { runId: string };
  await expect.poll(async () => (await instance(page, runId, "review"))?.waitReason ?? null, { timeout: 30_000 }).toBe("approval");
  return runId;
}

let firstRun = "";

describe("human approvals in the web UI", () => {
  it("lists a waiting approval on the Approvals page, with its count in the navigation", async () => {
    const { page } = e2e.browser;
    await logIn(page, e2e.server.url);
    firstRun = await runWaitingForReview(page);
    const count = page.getByTestId("approvals-count");
    await expect.poll(() => count.textContent(), { timeout: 20_000 }).toBe("1");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Approvals/ }).click();
    await page.getByRole("heading", { name: "Approvals" }).waitFor();
    const entry = page.locator(`[data-testid="approval"][data-run="${attr(firstRun)}"]`);
    await entry.waitFor();
    const text = await entry.textContent();
    expect(text).toContain("Roll out version 1.2.3 to production?");
    expect(text).toContain("the operator role or above");
    expect(text).toMatch(/Deadline\s*in (47|48) h/);
    const runLink = page.locator("li").filter({ has: entry }).getByRole("link", { name: "e2e_release · review" });
    expect(await runLink.getAttribute("href")).toContain(`run=${encodeURIComponent(firstRun)}`);
    await screenshot(page, "approvals-page");
  }, 60_000);

  it("keeps the run waiting when the answer does not fit the form, in the browser or on the server", async () => {
    const { page } = e2e.browser;
    const entry = page.locator(`[data-testid="approval"][data-run="${attr(firstRun)}"]`);
    await entry.getByLabel("rolloutPercent").fill("500");
    await entry.getByLabel("channel").selectOption("beta");
    await entry.getByLabel("ticket").fill("soon");
    await entry.getByRole("button", { name: "Approve" }).click();
    // The browser knows the form's bounds: the field says what is wrong, nothing is sent.
    await expect.poll(() => entry.locator(".field-invalid").textContent()).toContain("at most 100");
    await entry.getByLabel("rolloutPercent").fill("25");
    await entry.getByRole("button", { name: "Approve" }).click();
    // The ticket's pattern is checked by the server (422): its message lands on the field.
    const ticketError = entry.locator(".field-invalid").filter({ has: page.getByLabel("ticket") });
    await expect.poll(() => ticketError.textContent(), { timeout: 10_000 }).toContain("REL-42");
    expect(await instance(page, firstRun, "review")).toMatchObject({ state: "deferred", waitReason: "approval" });
    await screenshot(page, "approvals-invalid-answer");
  }, 60_000);

  it("approves with a valid answer; the downstream task receives it", async () => {
    const { page } = e2e.browser;
    const entry = page.locator(`[data-testid="approval"][data-run="${attr(firstRun)}"]`);
    await entry.getByLabel("ticket").fill("REL-7");
    await entry.getByLabel("Comment").fill("Canary looked fine");
    await entry.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => page.getByTestId("approval-outcome").textContent(), { timeout: 10_000 }).toContain("Approved");
    await expect.poll(() => entry.count()).toBe(0);
    await expect.poll(() => page.getByTestId("approvals-count").count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(async () => (await instance(page, firstRun, "rollout"))?.state, { timeout: 30_000 }).toBe("success");
    const rollout = await instance(page, firstRun, "rollout");
    expect(rollout?.result).toBe("rolled out to 25% on beta (REL-7)");
    expect((await instance(page, firstRun, "review"))?.result).toEqual({ rolloutPercent: 25, channel: "beta", ticket: "REL-7" });
    await screenshot(page, "approvals-approved");

    await page.goto(`${e2e.server.url}#/dags/e2e_release?tab=graph&run=${encodeURIComponent(firstRun)}&task=rollout`);
    const panel = page.getByTestId("task-panel");
    await expect.poll(() => panel.getByTestId("task-state").getAttribute("data-state"), { timeout: 15_000 }).toBe("success");
    await expect.poll(() => panel.locator("pre.json").textContent()).toContain("rolled out to 25% on beta (REL-7)");
    await screenshot(page, "approvals-rollout-result");
  }, 90_000);

  it("rejects from the task panel; the run fails with the comment as the reason", async () => {
    const { page } = e2e.browser;
    const runId = await runWaitingForReview(page);
    await page.goto(`${e2e.server.url}#/dags/e2e_release?tab=graph&run=${encodeURIComponent(runId)}&task=review`);
    const panel = page.getByTestId("task-panel");
    const form = panel.getByTestId("approval");
    await form.waitFor({ timeout: 15_000 });
    await page.getByText("approval · deferred").waitFor();
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    await screenshot(page, "approvals-task-panel-dark");
    await form.getByLabel("Comment").fill("Not during the freeze");
    await form.getByRole("button", { name: "Reject" }).click();
    await expect.poll(() => panel.getByTestId("task-state").getAttribute("data-state"), { timeout: 15_000 }).toBe("failed");
    await expect.poll(() => panel.locator(".error-text").textContent()).toContain("Not during the freeze");
    await expect.poll(() => form.count()).toBe(0);
    await expect.poll(async () => (await instance(page, runId, "rollout"))?.state, { timeout: 30_000 }).toBe("upstream_failed");
    await screenshot(page, "approvals-rejected-dark");
  }, 90_000);

  it("shows a viewer the waiting approvals only when asked for all of them, with the form disabled", async () => {
    const { page, context } = e2e.browser;
    await apiPost(page, e2e.server.url, "users", { username: "vera", role: "viewer", password: "vera's long password" });
    const runId = await runWaitingForReview(page);
    await context.clearCookies();
    await logIn(page, e2e.server.url, { username: "vera", password: "vera's long password" });
    await page.goto(`${e2e.server.url}#/approvals`);
    await page.getByText("Nothing waits for you").waitFor();
    expect(await page.getByTestId("approvals-count").count()).toBe(0);
    await page.getByLabel("Show every waiting approval").check();
    const entry = page.locator(`[data-testid="approval"][data-run="${attr(runId)}"]`);
    await entry.waitFor();
    expect(await entry.getByRole("status").textContent()).toBe("Only the operator role or above may answer this approval.");
    expect(await entry.getByRole("button", { name: "Approve" }).isDisabled()).toBe(true);
    expect(await entry.getByRole("button", { name: "Reject" }).isDisabled()).toBe(true);
    await screenshot(page, "approvals-viewer");
  }, 60_000);
});
