/**
 * The escalation policy of one DAG: its `alerts` option over the global configuration, and the
 * plan of messages an alert gets when it opens (docs/architecture.md §8). One order for every kind of alert
 * (dead letters and SLA misses alike), each step later than the one before:
 *   step 1, at once: Slack, generic webhooks, email;
 *   step 2, if still unacknowledged after `escalateAfter` (default 15 min): a PagerDuty page;
 *   step 3, if still unacknowledged `ticketAfter` after that (default 15 min): a Jira ticket.
 * A step whose channel is off leaves the others' times as they are, so a ticket never comes
 * sooner because a DAG does not page.
 */
import type { AlertPolicySpec } from "../core/types.js";
import type { PlannedDelivery } from "../store/index.js";
import { DEFAULT_ESCALATE_AFTER_MS, DEFAULT_PAGERDUTY_URL, DEFAULT_TICKET_AFTER_MS, type AlertConfig } from "./alert-config.js";

export interface EffectivePolicy {
  readonly escalateAfterMs: number;
  /** Measured from the page (step 2), not from the alert's opening. */
  readonly ticketAfterMs: number;
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
    ticketAfterMs: d.ticketAfterMs ?? config.ticketAfterMs ?? DEFAULT_TICKET_AFTER_MS,
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

/** The messages a new alert gets, with when each is due; `notifyOnly` plans step 1 alone (news, not an incident: an approval waiting). */
export function planDeliveries(policy: EffectivePolicy, now: Date, notifyOnly = false): PlannedDelivery[] {
  const pageAt = new Date(now.getTime() + policy.escalateAfterMs);
  const ticketAt = new Date(pageAt.getTime() + policy.ticketAfterMs);
  const plan: PlannedDelivery[] = [];
  if (policy.slackUrl !== undefined) plan.push({ step: 1, channel: "slack", event: "notify", dueAt: now });
  policy.webhooks.forEach((_, i) => plan.push({ step: 1, channel: `webhook:${i}`, event: "notify", dueAt: now }));
  if (policy.email !== undefined) plan.push({ step: 1, channel: "email", event: "notify", dueAt: now });
  if (notifyOnly) return plan;
  if (policy.pagerduty !== undefined) plan.push({ step: 2, channel: "pagerduty", event: "trigger", dueAt: pageAt });
  if (policy.jira !== undefined) plan.push({ step: 3, channel: "jira", event: "ticket", dueAt: ticketAt });
  return plan;
}
