/**
 * The global alert settings (the defaults every DAG's `alerts` option refines): from the
 * `alerts` object of tributary.config.ts, then `TRIBUTARY_ALERT_*` environment variables, which
 * win. Credentials belong here (or in the environment), not in DAG files.
 */
import { configField, configObject, envField, parseConfigEnv, parseConfigSection } from "../core/config-section.js";

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

/** The `alerts` section of the config file. */
const SECTION = {
  escalateAfter: configField.optionalDuration,
  ticketAfter: configField.optionalDuration,
  slack: configField.optionalHttpUrl,
  webhooks: configField.optionalHttpUrls,
  email: configObject({ smtp: configField.optionalText, from: configField.optionalText, to: configField.optionalStrings }).optional(),
  pagerduty: configObject({ routingKey: configField.optionalText, url: configField.optionalHttpUrl }).optional(),
  jira: configObject({
    url: configField.optionalHttpUrl,
    project: configField.optionalText,
    issueType: configField.optionalText,
    user: configField.optionalText,
    token: configField.optionalText,
  }).optional(),
  delivery: configObject({ maxAttempts: configField.positiveInt.optional(), retryDelay: configField.optionalDuration, timeout: configField.optionalDuration }).optional(),
  uiUrl: configField.optionalHttpUrl,
};

/** The variables that override the section (docs/alerts.md, "Configuration"). */
const ENV = {
  TRIBUTARY_ALERT_ESCALATE_AFTER: envField.duration,
  TRIBUTARY_ALERT_TICKET_AFTER: envField.duration,
  TRIBUTARY_ALERT_SLACK_URL: envField.httpUrl,
  TRIBUTARY_ALERT_WEBHOOK_URLS: envField.httpUrls,
  TRIBUTARY_ALERT_SMTP_URL: envField.text,
  TRIBUTARY_ALERT_EMAIL_FROM: envField.text,
  TRIBUTARY_ALERT_EMAIL_TO: envField.strings,
  TRIBUTARY_ALERT_PAGERDUTY_ROUTING_KEY: envField.text,
  TRIBUTARY_ALERT_PAGERDUTY_URL: envField.httpUrl,
  TRIBUTARY_ALERT_JIRA_URL: envField.httpUrl,
  TRIBUTARY_ALERT_JIRA_PROJECT: envField.text,
  TRIBUTARY_ALERT_JIRA_USER: envField.text,
  TRIBUTARY_ALERT_JIRA_TOKEN: envField.text,
  TRIBUTARY_ALERT_MAX_ATTEMPTS: envField.positiveInt,
  TRIBUTARY_UI_URL: envField.httpUrl,
};

/**
 * Reads the `alerts` section of a config file and the environment (which wins). Errors name the
 * file and the field (`alerts.jira.url`), or the variable.
 */
export function loadAlertConfig(raw: unknown, env: Readonly<Record<string, string | undefined>> = process.env, file?: string): AlertConfig {
  const r = parseConfigSection("alerts", SECTION, raw, file);
  const e = parseConfigEnv(ENV, env);
  const email = r.email ?? {};
  const pd = r.pagerduty ?? {};
  const jira = r.jira ?? {};
  const routingKey = e.TRIBUTARY_ALERT_PAGERDUTY_ROUTING_KEY ?? pd.routingKey;
  const jiraUrl = e.TRIBUTARY_ALERT_JIRA_URL ?? jira.url;
  const jiraProject = e.TRIBUTARY_ALERT_JIRA_PROJECT ?? jira.project;
  const smtpUrl = e.TRIBUTARY_ALERT_SMTP_URL ?? email.smtp;
  return {
    escalateAfterMs: e.TRIBUTARY_ALERT_ESCALATE_AFTER ?? r.escalateAfter,
    ticketAfterMs: e.TRIBUTARY_ALERT_TICKET_AFTER ?? r.ticketAfter,
    slackUrl: e.TRIBUTARY_ALERT_SLACK_URL ?? r.slack,
    webhooks: e.TRIBUTARY_ALERT_WEBHOOK_URLS ?? r.webhooks,
    email:
      smtpUrl === undefined
        ? undefined
        : { smtpUrl, from: e.TRIBUTARY_ALERT_EMAIL_FROM ?? email.from ?? "tributary@localhost", to: e.TRIBUTARY_ALERT_EMAIL_TO ?? email.to ?? [] },
    pagerduty: routingKey === undefined ? undefined : { routingKey, url: e.TRIBUTARY_ALERT_PAGERDUTY_URL ?? pd.url ?? DEFAULT_PAGERDUTY_URL },
    jira:
      jiraUrl === undefined || jiraProject === undefined
        ? undefined
        : {
            url: jiraUrl,
            project: jiraProject,
            issueType: jira.issueType,
            user: e.TRIBUTARY_ALERT_JIRA_USER ?? jira.user,
            token: e.TRIBUTARY_ALERT_JIRA_TOKEN ?? jira.token,
          },
    delivery: {
      maxAttempts: e.TRIBUTARY_ALERT_MAX_ATTEMPTS ?? r.delivery?.maxAttempts,
      retryDelayMs: r.delivery?.retryDelay,
      timeoutMs: r.delivery?.timeout,
    },
    uiUrl: e.TRIBUTARY_UI_URL ?? r.uiUrl,
  };
}
