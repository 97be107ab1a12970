/** The words of an alert, as every channel shows them, and the link to it in the UI. */
import type { AlertRecord, DeliveryEvent } from "../../store/index.js";

export interface AlertMessage {
  readonly title: string;
  readonly body: string;
  /** A link to the alert in the UI, when the UI's address is configured. */
  readonly link: string | undefined;
}

/**
 * The alert on the UI's alerts page, opened. The UI routes by the URL hash (it is a static app
 * served at any base path), so the alert is `#/alerts?alert=<id>` under the UI's address: a
 * path such as `/alerts/<id>` would load the app where its assets cannot be found.
 */
export function alertLink(uiUrl: string | undefined, alertId: number): string | undefined {
  return uiUrl === undefined ? undefined : `${uiUrl.replace(/\/+$/, "")}/#/alerts?alert=${alertId}`;
}

/** The message for one event of an alert: a `resolve` says so, and who or what resolved it. */
export function alertMessage(alert: AlertRecord, event: DeliveryEvent, uiUrl: string | undefined, mask: (text: string) => string): AlertMessage {
  const link = alertLink(uiUrl, alert.id);
  const repeat = alert.occurrences > 1 ? ` (${alert.occurrences} times)` : "";
  if (event === "resolve") {
    const when = alert.resolvedAt === null ? "" : ` at ${alert.resolvedAt.toISOString()}`;
    const seen = `Seen ${alert.occurrences === 1 ? "once" : `${alert.occurrences} times, last at ${alert.lastSeenAt.toISOString()}`}.`;
    return { title: mask(`Resolved: ${alert.title}`), body: mask(`Resolved by ${alert.resolvedBy ?? "?"}${when}. ${seen}`), link };
  }
  return { title: mask(`${alert.title}${repeat}`), body: mask(alert.details), link };
}
