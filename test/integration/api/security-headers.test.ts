/**
 * Issue 15: the UI and the API send security headers: a Content-Security-Policy without inline
 * scripts or styles, framing refused, no MIME sniffing, no referrer; and the built UI has nothing
 * inline that the policy would block (the e2e tests load it in Chromium under the policy).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../../../src/api/server.js";
import { UI_DIR } from "../../../src/api/run-api.js";
import { storeFactory } from "../../conformance/stores.js";
import { startHarness, type ApiHarness } from "./api-harness.js";

function expectSecurityHeaders(headers: Headers, what: string): void {
  const csp = headers.get("content-security-policy") ?? "";
  const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values] as const));
  expect(directives.get("default-src"), what).toEqual(["'self'"]);
  expect(directives.get("script-src"), what).toEqual(["'self'"]);
  expect(directives.get("style-src"), what).toEqual(["'self'"]);
  expect(directives.get("frame-ancestors"), what).toEqual(["'none'"]);
  expect(directives.get("object-src"), what).toEqual(["'none'"]);
  expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(headers.get("x-frame-options"), what).toBe("DENY");
  expect(headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(headers.get("referrer-policy"), what).toBe("no-referrer");
}

describe("security headers", () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startHarness(storeFactory("sqlite"));
  });
  afterAll(async () => api?.close());

  it("on API answers, errors included", async () => {
    expectSecurityHeaders((await api.request("GET", "/health")).headers, "/health");
    expectSecurityHeaders((await api.request("GET", "/api/v1/dags", { as: "viewer" })).headers, "dags");
    expectSecurityHeaders((await api.request("GET", "/api/v1/dags")).headers, "401");
    expectSecurityHeaders((await api.request("GET", "/api/v1/nothing", { as: "viewer" })).headers, "404");
  });

  it.skipIf(!existsSync(join(UI_DIR, "index.html")))("on the UI's pages and files", async () => {
    const server = await createApiServer({ store: api.store, dags: api.registry, uiDir: UI_DIR });
    try {
      const base = await server.listen({ port: 0, host: "127.0.0.1" });
      const page = await fetch(`${base}/`);
      expectSecurityHeaders(page.headers, "index.html");
      const html = await page.text();
      const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeDefined();
      expectSecurityHeaders((await fetch(`${base}/${asset}`)).headers, asset ?? "asset");
      expectSecurityHeaders((await fetch(`${base}/some/ui/route`)).headers, "UI route");
    } finally {
      await server.close();
    }
  });

  it.skipIf(!existsSync(join(UI_DIR, "index.html")))("the built UI has no inline script, style or event handler", () => {
    const html = readFileSync(join(UI_DIR, "index.html"), "utf8");
    for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(script[1], "a script without src").toMatch(/\bsrc=/);
      expect(script[2]?.trim()).toBe("");
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });
});
