// The global alert settings: the `alerts` section of tributary.config.ts checked by a zod schema,
// then TRIBUTARY_ALERT_* variables, which win. Bad input names the file and the field path, or the
// variable, and never echoes the value (URLs and tokens here are credentials).
import { describe, expect, it } from "vitest";
import { DEFAULT_PAGERDUTY_URL, loadAlertConfig } from "../../../src/alerts/alert-config.js";
import { InvalidInputError } from "../../../src/core/errors.js";

const FILE = "/srv/project/tributary.config.ts";

function failure(section: unknown, env: Record<string, string> = {}): InvalidInputError {
  try {
    loadAlertConfig(section, env, FILE);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error("expected an InvalidInputError");
}

describe("loadAlertConfig", () => {
  it("reads every setting of the documented example", () => {
    const config = loadAlertConfig(
      {
        escalateAfter: "15m",
        ticketAfter: 60_000,
        slack: "https://hooks.slack.com/services/T/B/X",
        webhooks: ["https://ops.example.com/hooks/a", "http://ops.example.com/hooks/b"],
        email: { smtp: "smtp://user:pass@mail.example.com:587", from: "tributary@example.com", to: ["oncall@example.com"] },
        pagerduty: { routingKey: "R0UT1NGKEY" },
        jira: { url: "https://example.atlassian.net", project: "DATA", issueType: "Task", user: "bot@example.com", token: "t" },
        delivery: { maxAttempts: 3, retryDelay: "2s", timeout: "10s" },
        uiUrl: "https://tributary.example.com",
      },
      {},
      FILE,
    );
    expect(config).toEqual({
      escalateAfterMs: 900_000,
      ticketAfterMs: 60_000,
      slackUrl: "https://hooks.slack.com/services/T/B/X",
      webhooks: ["https://ops.example.com/hooks/a", "http://ops.example.com/hooks/b"],
      email: { smtpUrl: "smtp://user:pass@mail.example.com:587", from: "tributary@example.com", to: ["oncall@example.com"] },
      pagerduty: { routingKey: "R0UT1NGKEY", url: DEFAULT_PAGERDUTY_URL },
      jira: { url: "https://example.atlassian.net", project: "DATA", issueType: "Task", user: "bot@example.com", token: "t" },
      delivery: { maxAttempts: 3, retryDelayMs: 2_000, timeoutMs: 10_000 },
      uiUrl: "https://tributary.example.com",
    });
  });

  it("has no channels without settings; empty strings count as not set", () => {
    const none = { escalateAfterMs: undefined, ticketAfterMs: undefined, slackUrl: undefined, webhooks: undefined, email: undefined, pagerduty: undefined, jira: undefined };
    expect(loadAlertConfig(undefined, {})).toMatchObject(none);
    expect(loadAlertConfig({ slack: "", webhooks: "", escalateAfter: "" }, { TRIBUTARY_ALERT_SLACK_URL: "" })).toMatchObject(none);
    // A Jira project alone (no URL) makes no Jira channel; a DAG may name the URL's project later.
    expect(loadAlertConfig({ jira: { project: "OPS" } }, {}).jira).toBeUndefined();
  });

  it("lets the environment win, with lists and numbers spelled as text", () => {
    const config = loadAlertConfig(
      { slack: "https://file", webhooks: ["https://file"], delivery: { maxAttempts: 2 }, email: { smtp: "smtp://file", to: ["file@example.com"] } },
      {
        TRIBUTARY_ALERT_SLACK_URL: "https://env",
        TRIBUTARY_ALERT_WEBHOOK_URLS: "https://a, https://b",
        TRIBUTARY_ALERT_MAX_ATTEMPTS: "7",
        TRIBUTARY_ALERT_EMAIL_TO: "a@example.com,b@example.com",
        TRIBUTARY_ALERT_ESCALATE_AFTER: "1h",
        TRIBUTARY_ALERT_PAGERDUTY_ROUTING_KEY: "env-key",
      },
    );
    expect(config).toMatchObject({
      slackUrl: "https://env",
      webhooks: ["https://a", "https://b"],
      delivery: { maxAttempts: 7 },
      email: { smtpUrl: "smtp://file", from: "tributary@localhost", to: ["a@example.com", "b@example.com"] },
      escalateAfterMs: 3_600_000,
      pagerduty: { routingKey: "env-key", url: DEFAULT_PAGERDUTY_URL },
    });
  });

  it.each([
    ["a string", "alerts", "alerts must be an object"],
    [{ slak: "https://x" }, "alerts.slak", 'unknown alerts setting "slak" (known: escalateAfter, ticketAfter, slack, webhooks, email, pagerduty, jira, delivery, uiUrl)'],
    [{ slack: 3 }, "alerts.slack", "alerts.slack must be an http(s) URL"],
    [{ slack: "hooks.slack.com/x" }, "alerts.slack", "alerts.slack must be an http(s) URL"],
    [{ webhooks: ["https://a", "ftp://b"] }, "alerts.webhooks[1]", "alerts.webhooks[1] must be an http(s) URL"],
    [{ webhooks: 5 }, "alerts.webhooks", "alerts.webhooks must be a list of strings"],
    [{ escalateAfter: "soon" }, "alerts.escalateAfter", 'alerts.escalateAfter must be a duration such as "15m"'],
    [{ ticketAfter: true }, "alerts.ticketAfter", 'alerts.ticketAfter must be a duration such as "15m"'],
    [{ jira: "https://jira" }, "alerts.jira", "alerts.jira must be an object"],
    [{ jira: { url: "jira.example.com", project: "OPS" } }, "alerts.jira.url", "alerts.jira.url must be an http(s) URL"],
    [{ jira: { url: "https://jira", projct: "OPS" } }, "alerts.jira.projct", 'unknown alerts.jira setting "projct" (known: url, project, issueType, user, token)'],
    [{ pagerduty: { routingKey: 42 } }, "alerts.pagerduty.routingKey", "alerts.pagerduty.routingKey must be a string"],
    [{ email: { smtp: "smtp://x", to: [1] } }, "alerts.email.to[0]", "alerts.email.to[0] must be a string"],
    [{ delivery: { maxAttempts: 0 } }, "alerts.delivery.maxAttempts", "alerts.delivery.maxAttempts must be a positive integer"],
    [{ delivery: { timeout: "10 seconds" } }, "alerts.delivery.timeout", 'alerts.delivery.timeout must be a duration such as "15m"'],
  ])("%j: names %s", (section, field, message) => {
    const error = failure(section);
    expect(error.message).toBe(message);
    expect(error.location).toEqual({ file: FILE, field });
  });

  it.each([
    ["TRIBUTARY_ALERT_SLACK_URL", "hooks.slack.com/x", "must be an http(s) URL"],
    ["TRIBUTARY_ALERT_WEBHOOK_URLS", "https://a,b", "must be an http(s) URL"],
    ["TRIBUTARY_ALERT_MAX_ATTEMPTS", "3.5", "must be a positive integer"],
    ["TRIBUTARY_ALERT_MAX_ATTEMPTS", "0", "must be a positive integer"],
    ["TRIBUTARY_ALERT_TICKET_AFTER", "tomorrow", 'must be a duration such as "15m"'],
    ["TRIBUTARY_UI_URL", "tributary.example.com", "must be an http(s) URL"],
  ])("%s=%s: names the variable", (variable, value, message) => {
    const error = failure({}, { [variable]: value });
    expect(error.message).toBe(`${variable} ${message}`);
    expect(error.location).toEqual({ field: variable });
  });

  it("never echoes a bad value", () => {
    expect(failure({ slack: "hooks.slack.com/services/SECRET" }).describe()).not.toContain("SECRET");
    expect(failure({}, { TRIBUTARY_ALERT_SLACK_URL: "hooks/SECRET" }).describe()).not.toContain("SECRET");
  });
});
