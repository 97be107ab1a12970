/**
 * The alert dispatcher: a loop of its own (so a slow or broken channel never holds up scheduling)
 * that raises alerts for new dead letters and SLA misses (a repeat counts on the open alert of its
 * DAG, task and kind), resolves the alerts whose DAG/task has succeeded since, then sends the
 * deliveries that are due.
 * Deliveries are claimed in the store, so with several schedulers each message goes out once,
 * and a restart picks up exactly the steps that are still due. A failed send is retried with
 * exponential backoff; every attempt is recorded.
 */
import { randomUUID } from "node:crypto";
import type { AlertPolicySpec } from "../core/types.js";
import type { ClaimedDelivery } from "../store/index.js";
import type { Store } from "../store/index.js";
import { ServiceLoop } from "../runtime/service-loop.js";
import type { AlertConfig } from "./alert-config.js";
import { effectivePolicy, planDeliveries, type EffectivePolicy } from "./alert-policy.js";
import { alertDedupKey, alertText } from "./alert-text.js";
import { sendEmail } from "./channels/email.js";
import { sendJira } from "./channels/jira.js";
import { alertMessage } from "./channels/message.js";
import { sendPagerDuty } from "./channels/pagerduty.js";
import type { DeliveryOutcome } from "./channels/delivery-outcome.js";
import { sendSlack } from "./channels/slack.js";
import { sendWebhook } from "./channels/webhook.js";

const MAX_RETRY_DELAY_MS = 5 * 60_000;

export interface AlertDispatcherOptions {
  readonly store: Store;
  /** The global defaults (tributary.config.ts `alerts`, TRIBUTARY_ALERT_* variables). */
  readonly config: AlertConfig;
  /** A DAG's own `alerts` option; by default read from the DAG's graph recorded in the store. */
  readonly dagPolicy?: (dagId: string) => AlertPolicySpec | undefined | Promise<AlertPolicySpec | undefined>;
  readonly now?: () => Date;
  /** Longest sleep between passes (deliveries made due by other processes are noticed this soon). */
  readonly maxSleepMs?: number;
  /** A sender that has not finished a delivery this long is presumed dead; another may take it over. */
  readonly leaseMs?: number;
  /**
   * How often to look for alerts whose DAG/task succeeded again (default 5 s): it costs a query or
   * two per unresolved alert, which need not run on every pass.
   */
  readonly recoverEveryMs?: number;
  /** Hides secret values in alert texts (src/secrets). */
  readonly mask?: (text: string) => string;
  readonly onError?: (error: unknown) => void;
  readonly log?: (message: string) => void;
}

export interface DispatchResult {
  readonly raised: number;
  /** Alerts resolved because their DAG/task succeeded again. */
  readonly resolved: number;
  readonly sent: number;
  readonly failed: number;
}

export class AlertDispatcher {
  readonly #options: AlertDispatcherOptions;
  readonly #loop: ServiceLoop;
  readonly #claimer = `dispatcher-${randomUUID().slice(0, 8)}`;
  #lastRecoveryCheck = Number.NEGATIVE_INFINITY;

  constructor(options: AlertDispatcherOptions) {
    this.#options = options;
    this.#loop = new ServiceLoop(async () => {
      await this.tick();
      return this.#sleepMs();
    }, options.onError ?? (() => undefined));
  }

  start(): void {
    this.#loop.start();
  }

  wake(): void {
    this.#loop.wake();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** One pass: raise alerts for new sources, resolve recovered ones, then send what is due. Exported for tests that drive time. */
  async tick(): Promise<DispatchResult> {
    const raised = await this.#raise();
    const resolved = await this.#resolveRecovered();
    let sent = 0;
    let failed = 0;
    // Claim in batches until nothing is due (bounded, so a pass always ends): each batch is sent concurrently.
    for (let batch = 0; batch < 10; batch++) {
      const claimed = await this.#options.store.alerts.claimDueDeliveries({
        claimer: this.#claimer,
        now: this.#now(),
        limit: 20,
        leaseMs: this.#options.leaseMs ?? 60_000,
      });
      if (claimed.length === 0) break;
      const outcomes = await Promise.all(claimed.map((c) => this.#deliver(c)));
      sent += outcomes.filter((ok) => ok).length;
      failed += outcomes.filter((ok) => !ok).length;
    }
    return { raised, resolved, sent, failed };
  }

  async #raise(): Promise<number> {
    const { store, config } = this.#options;
    const mask = this.#options.mask ?? ((text: string) => text);
    let raised = 0;
    for (const source of await store.alerts.listAlertSources(100)) {
      const now = this.#now();
      const policy = effectivePolicy(config, await this.#dagPolicy(source.dagId));
      const text = alertText(source);
      // undefined: another scheduler handled this source, or opened its alert at the same moment.
      const result = await store.alerts.raiseAlert({
        source: { kind: source.kind, id: source.sourceId },
        dedupKey: alertDedupKey(source),
        dagId: source.dagId,
        runId: source.runId,
        taskId: source.taskId,
        mapIndex: source.kind === "sla_miss" ? null : source.mapIndex,
        taskInstanceId: source.kind === "sla_miss" ? null : source.taskInstanceId,
        title: mask(text.title),
        details: mask(text.details),
        // An approval waiting is news for the approvers (step 1), not an incident to page or ticket.
        deliveries: planDeliveries(policy, now, source.kind === "approval"),
        now,
      });
      if (result?.created) {
        raised++;
        this.#options.log?.(`alert ${result.alert.id} opened: ${result.alert.title}`);
      }
    }
    return raised;
  }

  async #resolveRecovered(): Promise<number> {
    const now = this.#now();
    if (now.getTime() - this.#lastRecoveryCheck < (this.#options.recoverEveryMs ?? 5_000)) return 0;
    this.#lastRecoveryCheck = now.getTime();
    const resolved = await this.#options.store.alerts.resolveRecoveredAlerts({ now });
    for (const alert of resolved) this.#options.log?.(`alert ${alert.id} resolved: ${alert.resolvedBy ?? "?"}`);
    return resolved.length;
  }

  async #deliver(claimed: ClaimedDelivery): Promise<boolean> {
    const { store } = this.#options;
    const started = Date.now();
    let outcome: DeliveryOutcome;
    try {
      const policy = effectivePolicy(this.#options.config, await this.#dagPolicy(claimed.alert.dagId));
      outcome = await this.#send(claimed, policy);
    } catch (error) {
      outcome = { ok: false, status: null, error: error instanceof Error ? error.message : String(error), retryable: true };
    }
    const now = this.#now();
    const attempts = this.#options.config.delivery?.maxAttempts ?? 5;
    const base = this.#options.config.delivery?.retryDelayMs ?? 2_000;
    const retryAt =
      !outcome.ok && outcome.retryable && claimed.attempt < attempts
        ? new Date(now.getTime() + Math.min(MAX_RETRY_DELAY_MS, base * 2 ** (claimed.attempt - 1)))
        : null;
    await store.alerts.finishDelivery({
      deliveryId: claimed.delivery.id,
      attempt: claimed.attempt,
      ok: outcome.ok,
      status: outcome.status,
      error: outcome.error,
      durationMs: Date.now() - started,
      retryAt,
      ...(outcome.ticketKey === undefined ? {} : { ticketKey: outcome.ticketKey }),
      now,
    });
    const what = `alert ${claimed.alert.id} ${claimed.delivery.channel} ${claimed.delivery.event}`;
    if (outcome.ok) this.#options.log?.(`${what} sent${outcome.ticketKey ? ` (${outcome.ticketKey})` : ""}`);
    else this.#options.log?.(`${what} attempt ${claimed.attempt} failed: ${outcome.error ?? "?"}${retryAt ? `; retrying at ${retryAt.toISOString()}` : "; giving up"}`);
    return outcome.ok;
  }

  async #send({ delivery, alert }: ClaimedDelivery, policy: EffectivePolicy): Promise<DeliveryOutcome> {
    const timeoutMs = this.#options.config.delivery?.timeoutMs ?? 10_000;
    const message = alertMessage(alert, delivery.event, this.#options.config.uiUrl, this.#options.mask ?? ((text) => text));
    const missing = (what: string): DeliveryOutcome => ({
      ok: false,
      status: null,
      error: `${what} is no longer configured for DAG ${alert.dagId}`,
      retryable: false,
    });
    const channel = delivery.channel;
    if (channel === "slack") return policy.slackUrl ? sendSlack(policy.slackUrl, alert, delivery.event, message, timeoutMs) : missing("slack");
    if (channel === "email") return policy.email ? sendEmail(policy.email, message, timeoutMs) : missing("email");
    if (channel === "jira") return policy.jira ? sendJira(policy.jira, alert, message, timeoutMs) : missing("jira");
    if (channel === "pagerduty") {
      if (!policy.pagerduty) return missing("pagerduty");
      const action = delivery.event === "trigger" || delivery.event === "acknowledge" || delivery.event === "resolve" ? delivery.event : "trigger";
      return sendPagerDuty(policy.pagerduty, alert, action, message, timeoutMs);
    }
    if (channel.startsWith("webhook:")) {
      const url = policy.webhooks[Number(channel.slice("webhook:".length))];
      return url ? sendWebhook(url, alert, delivery.event, message, timeoutMs) : missing(channel);
    }
    return missing(`channel "${channel}"`);
  }

  async #dagPolicy(dagId: string): Promise<AlertPolicySpec | undefined> {
    if (this.#options.dagPolicy) return this.#options.dagPolicy(dagId);
    return (await this.#options.store.getDag(dagId))?.graph.alerts;
  }

  async #sleepMs(): Promise<number> {
    const max = this.#options.maxSleepMs ?? 1_000;
    const next = await this.#options.store.alerts.nextDeliveryAt();
    return next ? Math.min(max, Math.max(1, next.getTime() - this.#now().getTime())) : max;
  }

  #now(): Date {
    return (this.#options.now ?? (() => new Date()))();
  }
}
