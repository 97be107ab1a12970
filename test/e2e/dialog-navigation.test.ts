/**
 * A dialog belongs to the page that opened it: against a real `tributary start`, the trigger
 * dialog of one DAG closes when the URL moves on (another DAG, the browser's Back button), instead
 * of staying open over a page it no longer belongs to.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, screenshot, startWithDagFiles, type BrowserWindow, type E2eSession } from "./harness.js";

const dagSource = (id: string) => `
import { dag } from "tributary-orchestrator";

export default dag("${id}", { description: "One task.", tags: ["e2e"] }, (d) => {
  d.task("only", async () => 1);
});
`;

let e2e: E2eSession;

describe("dialogs and navigation", () => {
  beforeAll(async () => {
    e2e = await startWithDagFiles("dialog-navigation", { "first.ts": dagSource("e2e_first"), "second.ts": dagSource("e2e_second") }, { workers: 1 });
  }, 60_000);

  afterAll(() => e2e?.close(), 30_000);

  it("closes the trigger dialog when the URL changes to another DAG, and on Back", async () => {
    const { page } = e2e.browser;
    await logIn(page, e2e.server.url);
    await page.goto(`${e2e.server.url}#/dags/e2e_first?tab=grid`);
    await page.getByRole("button", { name: "▶ Trigger" }).click();
    await page.getByRole("dialog", { name: "Trigger e2e_first" }).waitFor();
    await page.evaluate(() => {
      (globalThis as unknown as BrowserWindow).location.hash = "#/dags/e2e_second?tab=grid";
    });
    await page.getByRole("heading", { name: "e2e_second" }).waitFor();
    // Neither this DAG's dialog nor one for the DAG now shown.
    await page.waitForTimeout(500);
    expect(await page.getByRole("dialog").count()).toBe(0);
    await screenshot(page, "dialog-navigation-after-hash-change");

    await page.getByRole("button", { name: "▶ Trigger" }).click();
    await page.getByRole("dialog", { name: "Trigger e2e_second" }).waitFor();
    await page.goBack();
    await page.getByRole("heading", { name: "e2e_first" }).waitFor();
    await page.waitForTimeout(500);
    expect(await page.getByRole("dialog").count()).toBe(0);
  }, 60_000);
});
