import type { PostOutcome } from "../../runtime/post-json.js";

/** What sending one alert message through a channel came to. */
export interface DeliveryOutcome extends PostOutcome {
  /** The key of a ticket the request opened (Jira). */
  readonly ticketKey?: string;
}
