/**
 * The escalation policy of one DAG: its `alerts` option over the global configuration, and the
 * plan of messages an alert gets when it opens (DESIGN §8):
 *   step 1, at once: Slack, generic webhooks, email;
 *   step 2, if still unacknowledged after `escalateAfter` (default 15 min): a PagerDuty page;
 *   step 3, for an SLA miss, at once: a Jira ticket.
 */
import type { AlertPolicySpec } from "../core/types.js";
import type { AlertKind, PlannedDelivery } from "../store/alert-records.js";
import { DEFAULT_ESCALATE_AFTER_MS, DEFAULT_PAGERDUTY_URL, type AlertConfig } from "./alert-config.js";

export interface EffectivePolicy {
  readonly escalateAfterMs: number;
  readonly slackUrl: string | undefined;
  readonly webhooks: readonly string[];
  readonly email: { readonly smtpUrl: string; readonly from: string; readonly to: readonly string[] } | undefined;
  readonly pagerduty: { readonly routingKey: string; readonly url: string } | undefined;
  readonly jira:
    | { readonly url: string; readonly project: string; readonly issueType: string; readonly user?: string; readonly token?: string }
    | undefined;
}

export function effectivePolicy(config: AlertConfig, dag: AlertPolicySpec | undefined): EffectivePolicy {
  const d = dag ?? {};
  const emailTo = d.email === false ? [] : (d.email?.to ?? config.email?.to ?? []);
  const pd = d.pagerduty === false ? undefined : (d.pagerduty ?? config.pagerduty);
  const jiraProject = d.jira === false ? undefined : (d.jira?.project ?? config.jira?.project);
  const jiraUrl = d.jira === false ? undefined : (d.jira?.url ?? config.jira?.url);
  return {
    escalateAfterMs: d.escalateAfterMs ?? config.escalateAfterMs ?? DEFAULT_ESCALATE_AFTER_MS,
    slackUrl: d.slack === false ? undefined : (d.slack ?? config.slackUrl),
    webhooks: d.webhooks ?? config.webhooks ?? [],
    email: config.email && emailTo.length > 0 ? { smtpUrl: config.email.smtpUrl, from: config.email.from, to: emailTo } : undefined,
    pagerduty: pd ? { routingKey: pd.routingKey, url: pd.url ?? DEFAULT_PAGERDUTY_URL } : undefined,
    jira:
      jiraProject !== undefined && jiraUrl !== undefined
        ? {
            url: jiraUrl,
            project: jiraProject,
            issueType: (d.jira === false ? undefined : d.jira?.issueType) ?? config.jira?.issueType ?? "Task",
            ...(config.jira?.user === undefined ? {} : { user: config.jira.user }),
            ...(config.jira?.token === undefined ? {} : { token: config.jira.token }),
          }
        : undefined,
  };
}

/** The messages a new alert of `kind` gets, with when each is due. */
export function planDeliveries(policy: EffectivePolicy, kind: AlertKind, now: Date): PlannedDelivery[] {
  const at = now;
  const plan: PlannedDelivery[] = [];
  if (policy.slackUrl !== undefined) plan.push({ step: 1, channel: "slack", event: "notify", dueAt: at });
  policy.webhooks.forEach((_, i) => plan.push({ step: 1, channel: `webhook:${i}`, event: "notify", dueAt: at }));
  if (policy.email !== undefined) plan.push({ step: 1, channel: "email", event: "notify", dueAt: at });
  if (policy.pagerduty !== undefined) {
    plan.push({ step: 2, channel: "pagerduty", event: "trigger", dueAt: new Date(now.getTime() + policy.escalateAfterMs) });
  }
  if (kind === "sla_miss" && policy.jira !== undefined) plan.push({ step: 3, channel: "jira", event: "ticket", dueAt: at });
  return plan;
}
