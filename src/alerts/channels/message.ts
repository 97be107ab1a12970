/** The words of an alert, as every channel shows them. */
import type { AlertRecord } from "../../store/alert-records.js";

export interface AlertMessage {
  readonly title: string;
  readonly body: string;
  /** A link to the alert in the UI, when the UI's address is configured. */
  readonly link: string | undefined;
}

export function alertMessage(alert: AlertRecord, uiUrl: string | undefined, mask: (text: string) => string): AlertMessage {
  const link = uiUrl === undefined ? undefined : `${uiUrl.replace(/\/$/, "")}/alerts/${alert.id}`;
  const repeat = alert.occurrences > 1 ? ` (${alert.occurrences} times)` : "";
  return { title: mask(`${alert.title}${repeat}`), body: mask(alert.details), link };
}
