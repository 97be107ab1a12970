/** Step 1: a Slack-compatible incoming webhook (`{ text }`, with mrkdwn); also told when the alert is resolved. */
import type { AlertRecord, DeliveryEvent } from "../../store/index.js";
import type { AlertMessage } from "./message.js";
import { postJson } from "../../runtime/post-json.js";
import type { DeliveryOutcome } from "./delivery-outcome.js";

export async function sendSlack(url: string, alert: AlertRecord, event: DeliveryEvent, message: AlertMessage, timeoutMs: number): Promise<DeliveryOutcome> {
  const link = message.link === undefined ? "" : `\n<${message.link}|Open in Tributary>`;
  const icon = event === "resolve" ? ":white_check_mark:" : ":rotating_light:";
  const text = `${icon} *${message.title}*\n${message.body}${link}`;
  return postJson(url, { text, tributary: { alertId: alert.id, kind: alert.kind, event, dagId: alert.dagId } }, { timeoutMs });
}
