/**
 * Step 2: a PagerDuty Events API v2 event. `dedup_key` names the alert, so a repeated trigger
 * (a retry after a lost response) is one incident, and `acknowledge`/`resolve` find it.
 */
import type { AlertRecord } from "../../store/index.js";
import type { AlertMessage } from "./message.js";
import { postJson } from "../../runtime/post-json.js";
import type { DeliveryOutcome } from "./delivery-outcome.js";

export const pagerDutyDedupKey = (alert: AlertRecord): string => `tributary-alert-${alert.id}`;

export async function sendPagerDuty(
  target: { readonly routingKey: string; readonly url: string },
  alert: AlertRecord,
  action: "trigger" | "acknowledge" | "resolve",
  message: AlertMessage,
  timeoutMs: number,
): Promise<DeliveryOutcome> {
  const event: Record<string, unknown> = { routing_key: target.routingKey, event_action: action, dedup_key: pagerDutyDedupKey(alert) };
  if (action === "trigger") {
    event["payload"] = {
      summary: message.title.slice(0, 1024),
      source: "tributary",
      severity: alert.kind === "dead_letter" ? "error" : "warning",
      component: alert.dagId,
      group: alert.dagId,
      class: alert.kind,
      custom_details: { details: message.body, runId: alert.runId, taskId: alert.taskId, occurrences: alert.occurrences },
    };
    if (message.link !== undefined) event["links"] = [{ href: message.link, text: "Open in Tributary" }];
  }
  return postJson(target.url, event, { timeoutMs });
}
