/**
 * Every message links to its alert in the UI. The UI routes by the URL hash, so the link is
 * `<uiUrl>/#/alerts?alert=<id>` (a path such as `/alerts/<id>` would load a blank page).
 */
import { describe, expect, it } from "vitest";
import { hostname } from "node:os";
import { alertLink } from "../../../src/alerts/channels/message.js";
import { withDefaultUiUrl } from "../../../src/alerts/default-ui-url.js";
import { storeFactory } from "../../conformance/stores.js";
import { MINUTE, T, useAlertWorld } from "./alert-harness.js";
import { startReceiver, startSmtp } from "./receivers.js";

describe("links in alert messages", () => {
  it("point at the alert on the UI's alerts page, under any base path", () => {
    expect(alertLink("https://tributary.example.com", 7)).toBe("https://tributary.example.com/#/alerts?alert=7");
    expect(alertLink("https://example.com/tributary/", 7)).toBe("https://example.com/tributary/#/alerts?alert=7");
    expect(alertLink(undefined, 7)).toBeUndefined();
  });

  it("default to the address `tributary start` serves the UI at, unless uiUrl is set", () => {
    expect(withDefaultUiUrl({}, { host: undefined, port: 8080, basePath: undefined }).uiUrl).toBe("http://127.0.0.1:8080/");
    expect(withDefaultUiUrl({}, { host: "0.0.0.0", port: 80, basePath: "tributary" }).uiUrl).toBe(`http://${hostname()}:80/tributary/`);
    expect(withDefaultUiUrl({}, { host: "::1", port: 8080, basePath: "/t/" }).uiUrl).toBe("http://[::1]:8080/t/");
    expect(withDefaultUiUrl({ uiUrl: "https://ops.example.com" }, { host: undefined, port: 8080, basePath: undefined }).uiUrl).toBe("https://ops.example.com");
    // Port 0: the port is only known once listening.
    expect(withDefaultUiUrl({}, { host: undefined, port: 0, basePath: undefined }).uiUrl).toBeUndefined();
  });

  describe.sequential("in every channel", () => {
    const world = useAlertWorld(storeFactory("sqlite"), (urls) => ({
      escalateAfterMs: MINUTE,
      ticketAfterMs: MINUTE,
      slackUrl: urls.slack,
      pagerduty: { routingKey: "R0UT1NG", url: urls.pd },
      jira: { url: urls.jira, project: "OPS" },
      uiUrl: "https://tributary.example.com/ui",
    }));

    it("Slack, a webhook, email, PagerDuty and Jira all carry the alert's link", async () => {
      const w = world();
      const hook = await startReceiver();
      const smtp = await startSmtp();
      try {
        w.config = {
          ...w.config,
          webhooks: [`${hook.url}/hook`],
          email: { smtpUrl: smtp.url, from: "tributary@example.com", to: ["oncall@example.com"] },
        };
        await w.deadLetter(await w.dag("linked"));
        await w.tick();
        await w.tickAt(T + MINUTE);
        await w.tickAt(T + 2 * MINUTE);
        const [alert] = await w.store.alerts.listAlerts({});
        const link = `https://tributary.example.com/ui/#/alerts?alert=${alert?.id}`;

        expect(String(w.slack.requests[0]?.body["text"])).toContain(`<${link}|Open in Tributary>`);
        expect((hook.requests[0]?.body["alert"] as { link: string }).link).toBe(link);
        expect(smtp.messages[0]?.data).toContain(link);
        expect(w.pages()[0]?.body["links"]).toEqual([{ href: link, text: "Open in Tributary" }]);
        expect(String((w.jira.requests[0]?.body["fields"] as { description: string }).description)).toContain(link);
      } finally {
        await Promise.all([hook.close(), smtp.close()]);
      }
    });
  });
});
