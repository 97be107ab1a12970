/** Step 1 too: a generic webhook that receives the alert as JSON (`alert.notify`, then `alert.resolve`). */
import type { AlertRecord, DeliveryEvent } from "../../store/index.js";
import type { AlertMessage } from "./message.js";
import { postJson } from "../../runtime/post-json.js";
import type { DeliveryOutcome } from "./delivery-outcome.js";

export async function sendWebhook(url: string, alert: AlertRecord, event: DeliveryEvent, message: AlertMessage, timeoutMs: number): Promise<DeliveryOutcome> {
  return postJson(
    url,
    {
      event: `alert.${event}`,
      alert: {
        id: alert.id,
        kind: alert.kind,
        state: alert.state,
        dagId: alert.dagId,
        runId: alert.runId,
        taskId: alert.taskId,
        mapIndex: alert.mapIndex,
        title: message.title,
        details: message.body,
        occurrences: alert.occurrences,
        createdAt: alert.createdAt.toISOString(),
        lastSeenAt: alert.lastSeenAt.toISOString(),
        resolvedAt: alert.resolvedAt?.toISOString() ?? null,
        link: message.link ?? null,
      },
    },
    { timeoutMs },
  );
}
