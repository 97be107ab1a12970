/** Step 3: a ticket through Jira's REST create-issue call (`POST /rest/api/2/issue`). */
import type { AlertRecord } from "../../store/index.js";
import type { AlertMessage } from "./message.js";
import { postJson } from "../../runtime/post-json.js";
import type { DeliveryOutcome } from "./delivery-outcome.js";

export interface JiraTarget {
  readonly url: string;
  readonly project: string;
  readonly issueType: string;
  readonly user?: string;
  readonly token?: string;
}

export async function sendJira(target: JiraTarget, alert: AlertRecord, message: AlertMessage, timeoutMs: number): Promise<DeliveryOutcome> {
  const headers: Record<string, string> = {};
  if (target.token !== undefined) {
    headers["authorization"] =
      target.user === undefined ? `Bearer ${target.token}` : `Basic ${Buffer.from(`${target.user}:${target.token}`).toString("base64")}`;
  }
  const description = `${message.body}${message.link === undefined ? "" : `\n\nOpen in Tributary: ${message.link}`}`;
  const outcome = await postJson(
    `${target.url.replace(/\/$/, "")}/rest/api/2/issue`,
    {
      fields: {
        project: { key: target.project },
        summary: message.title.slice(0, 250),
        description,
        issuetype: { name: target.issueType },
        labels: ["tributary", alert.kind.replace("_", "-")],
      },
    },
    { headers, timeoutMs },
  );
  if (!outcome.ok) return outcome;
  let key: unknown;
  try {
    key = (JSON.parse(outcome.responseText) as { key?: unknown }).key;
  } catch {
    key = undefined;
  }
  return typeof key === "string" ? { ...outcome, ticketKey: key } : outcome;
}
