/**
 * The "Dead letters & alerts" page in Chromium, against a real `tributary start`: a scheduled run
 * of a DAG whose task always fails (no retries) leaves a dead letter and misses its SLA; the
 * scheduler's alert dispatcher raises alerts for both and posts them to a local Slack-compatible
 * receiver that refuses the first message (so a failed attempt and its retry are recorded).
 * No `uiUrl` is configured: `tributary start` links messages to its own address, and following a
 * delivered message's "Open in Tributary" link shows that alert.
 */
import { mkdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, ensureBuilt, logIn, openBrowser, screenshot, startServer, workFolder, writeDagFile, type Browser, type RunningServer } from "./harness.js";

/** One scheduled run, already past its SLA: the hourly interval that ended at the last full hour. */
function alertingDag(slackUrl: string): string {
  const hour = new Date();
  hour.setUTCMinutes(0, 0, 0);
  const start = new Date(hour.getTime() - 3_600_000).toISOString();
  return `
import { dag } from "tributary-orchestrator";

export default dag("e2e_alerting", {
  description: "Fails on purpose: a dead letter, an SLA miss and their alerts.",
  schedule: "@hourly", startDate: "${start}", catchup: true, sla: "1s",
  defaults: { retries: 0 },
  alerts: { slack: "${slackUrl}", escalateAfter: "30m" },
}, (d) => {
  d.task("load_table", async () => {
    throw new Error("the warehouse refused the connection");
  });
});
`;
}

let dir: string;
let server: RunningServer;
let browser: Browser;
let slack: Server;
const received: string[] = [];

describe("dead letters and alerts in the web UI", () => {
  beforeAll(async () => {
    ensureBuilt();
    dir = workFolder("alerts");
    // A Slack-compatible incoming webhook that answers 500 to the dead letter's first message only.
    slack = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const refuse = body.includes("load_table") && !received.some((b) => b.includes("load_table"));
        received.push(body);
        response.writeHead(refuse ? 500 : 200).end(refuse ? "try again" : "ok");
      });
    });
    await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
    const address = slack.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const dags = join(dir, "dags");
    mkdirSync(dags, { recursive: true });
    writeDagFile(dags, "alerting.ts", alertingDag(`http://127.0.0.1:${port}/slack`));
    [server, browser] = await Promise.all([startServer({ dagsDir: dags, dir }), openBrowser()]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise<void>((resolve) => (slack ? slack.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("shows the dead letter, the SLA miss and their alerts", async () => {
    const { page } = browser;
    await logIn(page, server.url);
    await page.goto(`${server.url}#/alerts`);
    await page.locator('tr[data-dead-letter="e2e_alerting.load_table"]').waitFor({ timeout: 30_000 });
    await page.locator('tr[data-sla-miss="e2e_alerting"]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('tr[data-dead-letter="e2e_alerting.load_table"] .error-cell').textContent()).toContain("the warehouse refused the connection");
    // One alert for the dead letter, one for the SLA miss (the page polls: the dispatcher raises them).
    await expect.poll(() => page.locator("tr[data-alert]").count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await screenshot(page, "alerts-page");
  }, 60_000);

  it("opens an alert with its deliveries and attempts, then acknowledges and resolves it", async () => {
    const { page } = browser;
    const row = page.locator("tr[data-alert]", { hasText: "dead letter" }).first();
    const id = await row.getAttribute("data-alert");
    await row.getByRole("button").click();
    const panel = page.getByTestId("alert-panel");
    await panel.getByRole("heading", { name: `Alert #${id}` }).waitFor();
    await expect.poll(() => panel.getByTestId("alert-state").getAttribute("data-state")).toBe("open");
    // Slack refused the first message (500); the retry (2 s later) went through.
    const delivery = panel.locator('tr[data-delivery="slack"]');
    await expect.poll(() => delivery.getAttribute("data-delivery-state"), { timeout: 20_000, interval: 300 }).toBe("sent");
    await expect.poll(() => page.locator("[data-attempt-ok]").evaluateAll((els) => els.map((el) => el.getAttribute("data-attempt-ok")))).toContain("false");
    await expect.poll(() => delivery.locator('[data-attempt-ok="true"]').count()).toBe(1);
    expect(await delivery.textContent()).toContain("HTTP 500");
    await screenshot(page, "alert-detail");

    await panel.getByRole("button", { name: "Acknowledge" }).click();
    await expect.poll(() => panel.getByTestId("alert-state").getAttribute("data-state")).toBe("acknowledged");
    await expect.poll(() => page.locator(`tr[data-alert="${id}"]`).getAttribute("data-alert-state")).toBe("acknowledged");
    await panel.getByRole("button", { name: "Resolve" }).click();
    await expect.poll(() => panel.getByTestId("alert-state").getAttribute("data-state")).toBe("resolved");
    const alert = (await (await page.request.get(`${server.url}api/v1/alerts/${id}`)).json()) as { state: string; acknowledgedBy: string; resolvedBy: string };
    expect(alert).toMatchObject({ state: "resolved", acknowledgedBy: expect.stringContaining("admin"), resolvedBy: expect.stringContaining("admin") });
    // The state filter: the resolved alert is no longer among the open ones.
    await page.getByLabel("Alert state").selectOption("open");
    await expect.poll(() => page.locator(`tr[data-alert="${id}"]`).count()).toBe(0);
    await screenshot(page, "alerts-resolved");
  }, 60_000);

  it("follows the link in a delivered Slack message to that alert; a resolved alert's message says so", async () => {
    const messages = received.map((body) => JSON.parse(body) as { text: string; tributary: { alertId: number; kind: string; event: string } });
    const sla = messages.find((m) => m.tributary.kind === "sla_miss" && m.tributary.event === "notify");
    if (!sla) throw new Error(`no SLA miss message among ${received.length}`);
    const link = /<([^|>]+)\|Open in Tributary>/.exec(sla.text)?.[1];
    expect(link).toBe(`${server.url}#/alerts?alert=${sla.tributary.alertId}`);

    // As a click in Slack would: a new tab of the (logged-in) browser.
    const tab = await browser.context.newPage();
    try {
      await tab.goto(link ?? "");
      const panel = tab.getByTestId("alert-panel");
      await panel.getByRole("heading", { name: `Alert #${sla.tributary.alertId}` }).waitFor();
      await expect.poll(() => panel.getByTestId("alert-state").getAttribute("data-state")).toBe("open");
      expect(await panel.textContent()).toContain("SLA missed: e2e_alerting");
      const row = tab.locator(`tr[data-alert="${sla.tributary.alertId}"]`);
      await expect.poll(() => row.getAttribute("class")).toContain("row-selected");
      await screenshot(tab, "alert-from-link");

      // Links sent before they pointed at the hash route (/alerts/<id>) still land on the alert.
      await tab.goto(`${server.url}alerts/${sla.tributary.alertId}`);
      await panel.getByRole("heading", { name: `Alert #${sla.tributary.alertId}` }).waitFor();
      expect(tab.url()).toBe(link);
    } finally {
      await tab.close();
    }

    // The dead letter's alert was resolved in the previous test: Slack was told, with the same link.
    await expect.poll(() => received.some((b) => b.includes('"event":"resolve"')), { timeout: 20_000 }).toBe(true);
    const resolved = received.map((body) => JSON.parse(body) as { text: string; tributary: { alertId: number; event: string } }).find((m) => m.tributary.event === "resolve");
    expect(resolved?.text).toContain("Resolved");
    expect(resolved?.text).toContain(`<${server.url}#/alerts?alert=${resolved?.tributary.alertId}|Open in Tributary>`);

    // Without a session, the link leads through the login page to the same alert.
    await browser.context.clearCookies();
    const fresh = await browser.context.newPage();
    try {
      await fresh.goto(link ?? "");
      await fresh.getByLabel("User name").fill("admin");
      await fresh.getByLabel("Password").fill(ADMIN_PASSWORD);
      await fresh.getByRole("button", { name: "Log in" }).click();
      await fresh.getByTestId("alert-panel").getByRole("heading", { name: `Alert #${sla.tributary.alertId}` }).waitFor();
    } finally {
      await fresh.close();
    }
  }, 60_000);
});
