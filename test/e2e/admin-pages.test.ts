/**
 * The admin pages in Chromium, against a real `tributary start`: an admin creates a user and an
 * API token (its value shown once), revokes the token, filters the audit log, watches a pool's
 * occupancy while tasks hold its slots and resizes it, and sets and deletes a stored secret whose
 * value is never displayed; then the new viewer logs in and finds no admin pages (the API
 * answers 403), only the pools, read-only. The tests share the server and run in order.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecretKey } from "../../src/secrets/cipher.js";
import { apiPost, ensureBuilt, logIn, openBrowser, screenshot, startServer, workFolder, writeDagFile, type Browser, type RunningServer } from "./harness.js";

const POOL = "e2e_warehouse";
const VIEWER = { username: "vera", password: "vera's long password" };
const SECRET_VALUE = "s3cr3t-value-never-shown";
const ENV_SECRET_VALUE = "env-value-never-shown";

/** Two tasks of one pool that hold their slot until the test writes the release file. */
function poolDag(release: string): string {
  return `
import { existsSync } from "node:fs";
import { dag } from "tributary-orchestrator";

const hold = async (ctx: { signal: AbortSignal }) => {
  while (!existsSync(${JSON.stringify(release)}) && !ctx.signal.aborted) await new Promise((r) => setTimeout(r, 200));
};

export default dag("e2e_pool_hold", { description: "Two tasks that hold a slot of the ${POOL} pool.", defaults: { retries: 0 } }, (d) => {
  d.task("load_orders", { pool: "${POOL}" }, hold);
  d.task("load_customers", { pool: "${POOL}" }, hold);
});
`;
}

let dir: string;
let release: string;
let server: RunningServer;
let browser: Browser;
let token = "";
let tokenId = "";

const bearer = (value: string) => ({ headers: { authorization: `Bearer ${value}` } });

describe("the admin pages in Chromium", () => {
  beforeAll(async () => {
    ensureBuilt();
    dir = workFolder("admin");
    release = join(dir, "release-pool");
    const dags = join(dir, "dags");
    mkdirSync(dags, { recursive: true });
    writeDagFile(dags, "pool-hold.ts", poolDag(release));
    const env = { TRIBUTARY_SECRET_KEY: generateSecretKey(), TRIBUTARY_SECRET_E2E_FROM_ENV: ENV_SECRET_VALUE };
    [server, browser] = await Promise.all([startServer({ dagsDir: dags, dir, env }), openBrowser({ width: 1280, height: 800 })]);
  }, 60_000);

  afterAll(async () => {
    if (release) writeFileSync(release, "done");
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("an admin creates a viewer from the Users tab", async () => {
    const { page } = browser;
    await logIn(page, server.url);
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("heading", { name: "Admin" }).waitFor();
    await page.getByRole("link", { name: "Users" }).click();
    await page.locator('tr[data-user="admin"]').waitFor();
    const form = page.getByRole("form", { name: "New user" });
    await form.getByLabel("User name").fill(VIEWER.username);
    await form.getByLabel("Role").selectOption("viewer");
    await form.getByLabel("Password").fill(VIEWER.password);
    await form.getByRole("button", { name: "Create user" }).click();
    const row = page.locator(`tr[data-user="${VIEWER.username}"]`);
    await row.waitFor();
    expect(await row.getByLabel(`Role of ${VIEWER.username}`).inputValue()).toBe("viewer");
    // The password field is emptied: nothing of it stays on the page.
    expect(await form.getByLabel("Password").inputValue()).toBe("");
    const users = (await (await page.request.get(`${server.url}api/v1/users`)).json()) as { users: { username: string; role: string }[] };
    expect(users.users).toEqual(expect.arrayContaining([expect.objectContaining({ username: VIEWER.username, role: "viewer" })]));
    await screenshot(page, "admin-users");
  }, 60_000);

  it("creates an API token: the value is shown once, then never again; revoked, the API refuses it", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "API tokens" }).click();
    const form = page.getByRole("form", { name: "New API token" });
    await form.getByLabel("User").selectOption(VIEWER.username);
    await form.getByLabel("Token name").fill("ci-reader");
    await form.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByTestId("new-token");
    await shown.waitFor();
    token = (await shown.locator("code").textContent()) ?? "";
    expect(token).toMatch(/^trb_/);
    expect(await shown.textContent()).toContain("not shown again");
    await screenshot(page, "admin-token-created");
    const row = page.locator("tr[data-token]", { hasText: "ci-reader" });
    tokenId = (await row.getAttribute("data-token")) ?? "";
    expect(await row.getAttribute("data-token-state")).toBe("live");
    expect((await page.request.get(`${server.url}api/v1/auth/me`, bearer(token))).status()).toBe(200);

    // Dismissed, or the page reloaded: the value is nowhere, not in the page nor in the API's list.
    await shown.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.content()).not.toContain(token);
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await (await page.request.get(`${server.url}api/v1/tokens`)).text()).not.toContain(token);

    await row.getByRole("button", { name: "Revoke" }).click();
    const confirm = page.getByRole("dialog", { name: "Revoke token ci-reader?" });
    await confirm.getByRole("button", { name: "Revoke token" }).click();
    await expect.poll(() => row.getAttribute("data-token-state")).toBe("revoked");
    const refused = await page.request.get(`${server.url}api/v1/auth/me`, bearer(token));
    expect(refused.status()).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "unauthenticated" } });
    await screenshot(page, "admin-token-revoked");
  }, 60_000);

  it("watches a pool's occupancy while its tasks run, and resizes it", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Pools" }).click();
    const form = page.getByRole("form", { name: "New pool" });
    await form.getByLabel("Name").fill(POOL);
    await form.getByLabel("Slots").fill("1");
    await form.getByLabel("Description").fill("the warehouse takes one loader at a time");
    await form.getByRole("button", { name: "Save pool" }).click();
    const row = page.locator(`tr[data-pool="${POOL}"]`);
    await row.waitFor();
    expect(await row.getAttribute("data-slots")).toBe("1");

    // Two tasks want the pool's one slot: one runs, the other waits in the queue.
    await apiPost(page, server.url, "dags/e2e_pool_hold/runs", { params: {} });
    await expect.poll(() => row.getAttribute("data-running"), { timeout: 30_000 }).toBe("1");
    await expect.poll(() => row.getAttribute("data-queued"), { timeout: 15_000 }).toBe("1");
    expect(await row.textContent()).toContain("1 of 1 slot");
    await screenshot(page, "admin-pools");

    // Two slots: the waiting task runs too.
    await row.getByRole("button", { name: "Resize" }).click();
    await row.getByLabel(`Slots of ${POOL}`).fill("2");
    await row.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => row.getAttribute("data-slots")).toBe("2");
    await expect.poll(() => row.getAttribute("data-running"), { timeout: 30_000 }).toBe("2");
    expect(await row.getAttribute("data-queued")).toBe("0");
    writeFileSync(release, "done");
    await expect.poll(() => row.getAttribute("data-running"), { timeout: 30_000 }).toBe("0");
  }, 90_000);

  it("lists secrets by name and source, stores one and deletes it; no value is ever displayed", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Secrets" }).click();
    const fromEnv = page.locator('tr[data-secret="e2e_from_env"]');
    await fromEnv.waitFor();
    expect(await fromEnv.getAttribute("data-source")).toBe("environment");
    // A secret of the environment is changed where it is set, not here.
    expect(await fromEnv.getByRole("button", { name: "Delete" }).count()).toBe(0);

    const form = page.getByRole("form", { name: "Store a secret" });
    await form.getByLabel("Name").fill("warehouse_password");
    const value = form.getByLabel("Value");
    expect(await value.getAttribute("type")).toBe("password");
    await value.fill(SECRET_VALUE);
    await form.getByRole("button", { name: "Store secret" }).click();
    const stored = page.locator('tr[data-secret="warehouse_password"]');
    await stored.waitFor();
    expect(await stored.getAttribute("data-source")).toBe("store");
    expect(await value.inputValue()).toBe("");
    const html = await page.content();
    expect(html).not.toContain(SECRET_VALUE);
    expect(html).not.toContain(ENV_SECRET_VALUE);
    const listed = await (await page.request.get(`${server.url}api/v1/secrets`)).text();
    expect(listed).toContain("warehouse_password");
    expect(listed).not.toContain(SECRET_VALUE);
    expect(listed).not.toContain(ENV_SECRET_VALUE);
    await screenshot(page, "admin-secrets");

    await stored.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("dialog", { name: "Delete secret warehouse_password?" }).getByRole("button", { name: "Delete secret" }).click();
    await expect.poll(() => stored.count()).toBe(0);
  }, 60_000);

  it("filters the audit log by action, actor, target and time, and pages through it", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Audit log" }).click();
    const rows = page.locator("tr[data-audit]");
    await rows.first().waitFor();
    const form = page.getByRole("form", { name: "Filter the audit log" });

    await form.getByLabel("Action").fill("token.revoke");
    await form.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => rows.evaluateAll((els) => els.map((el) => `${el.getAttribute("data-audit-action")} ${el.getAttribute("data-audit-target")}`))).toEqual([`token.revoke ${tokenId}`]);
    expect(new URL(page.url()).hash).toContain("action=token.revoke");

    await form.getByLabel("Action").fill("");
    await form.getByLabel("Actor").fill("admin");
    await form.getByLabel("Target").fill(VIEWER.username);
    await form.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-audit-action")))).toEqual(["user.create"]);
    await screenshot(page, "admin-audit");

    // Everything was done today: a range that ended yesterday holds nothing.
    await form.getByLabel("Target").fill("");
    await form.getByLabel("Until").fill("2020-01-01T00:00");
    await form.getByRole("button", { name: "Filter" }).click();
    await page.getByText("No audit entries match").waitFor();
    await form.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(8);
    await screenshot(page, "admin-audit-all");

    // Two at a time: the next page holds the two entries before them.
    await page.goto(`${server.url}#/admin/audit?limit=2`);
    await expect.poll(() => rows.count()).toBe(2);
    const ids = async () => rows.evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-audit"))));
    const first = await ids();
    await page.getByRole("button", { name: "Older" }).click();
    await expect.poll(async () => (await ids())[0]).toBeLessThan(first[1] ?? 0);
    const second = await ids();
    expect(second).toHaveLength(2);
    expect(second[0]).toBeGreaterThan(second[1] ?? 0);
    await page.getByRole("button", { name: "Newest" }).click();
    await expect.poll(ids).toEqual(first);
  }, 60_000);

  it("a viewer sees no admin pages, only the pools read-only, and the API answers 403", async () => {
    const { page, context } = browser;
    await context.clearCookies();
    await logIn(page, server.url, VIEWER);
    await expect.poll(() => page.getByTestId("current-user").textContent()).toContain("viewer");
    expect(await page.getByRole("link", { name: "Admin" }).count()).toBe(0);

    await page.goto(`${server.url}#/admin/users`);
    await page.getByText("needs the admin role").waitFor();
    expect(await page.locator("tr[data-user]").count()).toBe(0);
    await screenshot(page, "admin-as-viewer");

    // The main navigation has Pools for everyone but admins (who find it under Admin).
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Pools" }).click();
    const row = page.locator(`tr[data-pool="${POOL}"]`);
    await row.waitFor();
    expect(await row.getAttribute("data-slots")).toBe("2");
    await screenshot(page, "pools-as-viewer");
    expect(await page.getByRole("button", { name: /Resize|Delete|Save pool/ }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);

    for (const path of ["users", "tokens", "audit", "secrets"]) {
      const response = await page.request.get(`${server.url}api/v1/${path}`);
      expect(response.status(), path).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
    }
    expect((await page.request.get(`${server.url}api/v1/pools`)).status()).toBe(200);
  }, 60_000);

  it("ran under the server's Content-Security-Policy without a single violation", () => {
    expect(browser.cspViolations).toEqual([]);
  });
});
