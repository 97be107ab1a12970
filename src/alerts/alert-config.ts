/**
 * The global alert settings (the defaults every DAG's `alerts` option refines): from the
 * `alerts` object of tributary.config.ts, then `TRIBUTARY_ALERT_*` environment variables, which
 * win. Credentials belong here (or in the environment), not in DAG files.
 */
import { parseDuration } from "../core/duration.js";
import { InvalidInputError, type TributaryError } from "../core/errors.js";

export const DEFAULT_ESCALATE_AFTER_MS = 15 * 60_000;
export const DEFAULT_TICKET_AFTER_MS = 15 * 60_000;
export const DEFAULT_PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue";

export interface AlertConfig {
  /** Unacknowledged this long, an alert pages (step 2). Default 15 minutes. */
  readonly escalateAfterMs?: number;
  /** Still unacknowledged this long after the page, an alert opens a ticket (step 3). Default 15 minutes. */
  readonly ticketAfterMs?: number;
  readonly slackUrl?: string;
  readonly webhooks?: readonly string[];
  readonly email?: { readonly smtpUrl: string; readonly from: string; readonly to: readonly string[] };
  readonly pagerduty?: { readonly routingKey: string; readonly url?: string };
  /** `user` + `token`: basic auth (Jira Cloud); `token` alone: a bearer token (Jira Data Center). */
  readonly jira?: { readonly url: string; readonly project: string; readonly issueType?: string; readonly user?: string; readonly token?: string };
  /** Tries per message before it is given up (default 5), the first retry delay (default 2 s, doubling), per-try timeout (default 10 s). */
  readonly delivery?: { readonly maxAttempts?: number; readonly retryDelayMs?: number; readonly timeoutMs?: number };
  /** Base URL of the Tributary UI, for links in messages. */
  readonly uiUrl?: string;
}

type Raw = Readonly<Record<string, unknown>>;

/** Reads the `alerts` object of a config file and the environment; errors name the field. */
export function loadAlertConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env, file?: string): AlertConfig {
  const fail = (field: string, message: string): TributaryError => new InvalidInputError(message, { file, field: `alerts.${field}` });
  const obj = raw === undefined ? {} : raw;
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw fail("", "`alerts` must be an object");
  const r = obj as Raw;
  const str = (value: unknown, field: string): string | undefined => {
    if (value === undefined || value === "") return undefined;
    if (typeof value !== "string") throw fail(field, `alerts.${field} must be a string`);
    return value;
  };
  const url = (value: unknown, field: string): string | undefined => {
    const text = str(value, field);
    if (text === undefined) return undefined;
    if (!/^https?:\/\//.test(text)) throw fail(field, `alerts.${field} must be an http(s) URL`);
    return text;
  };
  const section = (value: unknown, field: string): Raw => {
    if (value === undefined) return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw fail(field, `alerts.${field} must be an object`);
    return value as Raw;
  };
  const list = (value: unknown, field: string): string[] | undefined => {
    if (value === undefined || value === "") return undefined;
    if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
    throw fail(field, `alerts.${field} must be a list of strings`);
  };
  const duration = (value: unknown, field: string): number | undefined => {
    if (value === undefined || value === "") return undefined;
    if (typeof value !== "string" && typeof value !== "number") throw fail(field, `alerts.${field} must be a duration such as "15m"`);
    try {
      return parseDuration(value, { field: `alerts.${field}` });
    } catch (error) {
      throw fail(field, (error as Error).message);
    }
  };
  const int = (value: unknown, field: string): number | undefined => {
    if (value === undefined || value === "") return undefined;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw fail(field, `alerts.${field} must be a positive integer`);
    return n;
  };

  const pd = section(r["pagerduty"], "pagerduty");
  const jira = section(r["jira"], "jira");
  const email = section(r["email"], "email");
  const delivery = section(r["delivery"], "delivery");
  const routingKey = str(env["TRIBUTARY_ALERT_PAGERDUTY_ROUTING_KEY"] ?? pd["routingKey"], "pagerduty.routingKey");
  const jiraUrl = url(env["TRIBUTARY_ALERT_JIRA_URL"] ?? jira["url"], "jira.url");
  const jiraProject = str(env["TRIBUTARY_ALERT_JIRA_PROJECT"] ?? jira["project"], "jira.project");
  const smtpUrl = str(env["TRIBUTARY_ALERT_SMTP_URL"] ?? email["smtp"], "email.smtp");
  const to = list(env["TRIBUTARY_ALERT_EMAIL_TO"] ?? email["to"], "email.to") ?? [];

  return {
    escalateAfterMs: duration(env["TRIBUTARY_ALERT_ESCALATE_AFTER"] ?? r["escalateAfter"], "escalateAfter"),
    ticketAfterMs: duration(env["TRIBUTARY_ALERT_TICKET_AFTER"] ?? r["ticketAfter"], "ticketAfter"),
    slackUrl: url(env["TRIBUTARY_ALERT_SLACK_URL"] ?? r["slack"], "slack"),
    webhooks: list(env["TRIBUTARY_ALERT_WEBHOOK_URLS"] ?? r["webhooks"], "webhooks")?.map((u, i) => url(u, `webhooks[${i}]`) ?? u),
    email:
      smtpUrl === undefined
        ? undefined
        : { smtpUrl, from: str(env["TRIBUTARY_ALERT_EMAIL_FROM"] ?? email["from"], "email.from") ?? "tributary@localhost", to },
    pagerduty:
      routingKey === undefined
        ? undefined
        : { routingKey, url: url(env["TRIBUTARY_ALERT_PAGERDUTY_URL"] ?? pd["url"], "pagerduty.url") ?? DEFAULT_PAGERDUTY_URL },
    jira:
      jiraUrl === undefined || jiraProject === undefined
        ? undefined
        : {
            url: jiraUrl,
            project: jiraProject,
            issueType: str(jira["issueType"], "jira.issueType"),
            user: str(env["TRIBUTARY_ALERT_JIRA_USER"] ?? jira["user"], "jira.user"),
            token: str(env["TRIBUTARY_ALERT_JIRA_TOKEN"] ?? jira["token"], "jira.token"),
          },
    delivery: {
      maxAttempts: int(env["TRIBUTARY_ALERT_MAX_ATTEMPTS"] ?? delivery["maxAttempts"], "delivery.maxAttempts"),
      retryDelayMs: duration(delivery["retryDelay"], "delivery.retryDelay"),
      timeoutMs: duration(delivery["timeout"], "delivery.timeout"),
    },
    uiUrl: url(env["TRIBUTARY_UI_URL"] ?? r["uiUrl"], "uiUrl"),
  };
}
