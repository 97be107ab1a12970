/**
 * Checks a DAG's `alerts` option (its escalation policy over the global defaults) and its `sla`,
 * so that a typo in a channel name or a bad URL fails the DAG load instead of an alert at 3 a.m.
 */
import { parseDuration } from "../core/duration.js";
import { DagDefinitionError, type ErrorLocation } from "../core/errors.js";
import type { AlertPolicySpec } from "../core/types.js";
import { assertKnownKeys } from "./known-keys.js";
import type { AlertsOption, Duration } from "./types.js";

export const ALERT_OPTION_NAMES = [
  "escalateAfter",
  "ticketAfter",
  "slack",
  "webhooks",
  "email",
  "pagerduty",
  "jira",
] as const satisfies readonly (keyof AlertsOption)[];

export function resolveAlertsOption(raw: unknown, location: ErrorLocation): AlertPolicySpec | undefined {
  if (raw === undefined) return undefined;
  const at = (field: string): ErrorLocation => ({ ...location, field: `alerts.${field}` });
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new DagDefinitionError("alerts must be an object (escalateAfter, ticketAfter, slack, webhooks, email, pagerduty, jira)", {
      ...location,
      field: "alerts",
    });
  }
  assertKnownKeys(raw, ALERT_OPTION_NAMES, "alerts option", location, "alerts.");
  const options = raw as AlertsOption;
  const policy: { -readonly [K in keyof AlertPolicySpec]: AlertPolicySpec[K] } = {};
  if (options.escalateAfter !== undefined) policy.escalateAfterMs = positiveDuration(options.escalateAfter, at("escalateAfter"));
  if (options.ticketAfter !== undefined) policy.ticketAfterMs = positiveDuration(options.ticketAfter, at("ticketAfter"));
  if (options.slack !== undefined) policy.slack = options.slack === false ? false : url(options.slack, at("slack"));
  if (options.webhooks !== undefined) {
    if (!Array.isArray(options.webhooks)) throw new DagDefinitionError("alerts.webhooks must be a list of URLs", at("webhooks"));
    policy.webhooks = options.webhooks.map((entry, i) => url(entry, at(`webhooks[${i}]`)));
  }
  if (options.email !== undefined) {
    if (options.email === false) policy.email = false;
    else {
      const to = (options.email as { to?: unknown } | null)?.to;
      const list = typeof to === "string" ? [to] : to;
      if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== "string" || !a.includes("@"))) {
        throw new DagDefinitionError("alerts.email must be false or { to: [email addresses] }", at("email.to"));
      }
      policy.email = { to: list as string[] };
    }
  }
  if (options.pagerduty !== undefined) {
    if (options.pagerduty === false) policy.pagerduty = false;
    else {
      const pd = object(options.pagerduty, at("pagerduty"), "{ routingKey, url? }");
      assertKnownKeys(pd, ["routingKey", "url"], "pagerduty option", location, "alerts.pagerduty.");
      const routingKey = pd["routingKey"];
      if (typeof routingKey !== "string" || routingKey.length === 0) {
        throw new DagDefinitionError("alerts.pagerduty.routingKey must be a non-empty string", at("pagerduty.routingKey"));
      }
      policy.pagerduty = pd["url"] === undefined ? { routingKey } : { routingKey, url: url(pd["url"], at("pagerduty.url")) };
    }
  }
  if (options.jira !== undefined) {
    if (options.jira === false) policy.jira = false;
    else {
      const jira = object(options.jira, at("jira"), "{ project, url?, issueType? }");
      assertKnownKeys(jira, ["project", "url", "issueType"], "jira option", location, "alerts.jira.");
      const project = jira["project"];
      if (typeof project !== "string" || project.length === 0) {
        throw new DagDefinitionError("alerts.jira.project must be a non-empty string (the project key)", at("jira.project"));
      }
      const issueType = jira["issueType"];
      if (issueType !== undefined && typeof issueType !== "string") {
        throw new DagDefinitionError("alerts.jira.issueType must be a string", at("jira.issueType"));
      }
      policy.jira = {
        project,
        ...(jira["url"] === undefined ? {} : { url: url(jira["url"], at("jira.url")) }),
        ...(issueType === undefined ? {} : { issueType }),
      };
    }
  }
  return Object.freeze(policy);
}

/** `sla` / `deadline`: a positive duration, in milliseconds. */
export function positiveDuration(value: Duration | unknown, location: ErrorLocation): number {
  if (typeof value !== "string" && typeof value !== "number") {
    throw new DagDefinitionError(`${location.field ?? "value"} must be a duration such as "2h"`, location);
  }
  const ms = parseDuration(value, location);
  if (ms <= 0) throw new DagDefinitionError(`${location.field ?? "value"} must be longer than 0`, location);
  return ms;
}

function url(value: unknown, location: ErrorLocation): string {
  if (typeof value === "string") {
    try {
      const parsed = new URL(value);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") return value;
    } catch {
      // reported below
    }
  }
  throw new DagDefinitionError(`${location.field ?? "value"} must be an http(s) URL, got ${JSON.stringify(value)}`, location);
}

function object(value: unknown, location: ErrorLocation, shape: string): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new DagDefinitionError(`${location.field ?? "value"} must be false or ${shape}`, location);
}
