/**
 * The events a test posts during its run (`TestDagOptions.events`): checked up front, naming the
 * bad entry, and put in virtual-time order for the loop to deliver as their times come.
 */
import { parseDuration } from "../core/duration.js";
import { InvalidInputError } from "../core/errors.js";
import { EVENT_NAME } from "../dsl/dag-options.js";
import type { TestEvent } from "./types.js";

/** An event to deliver at a virtual time (epoch milliseconds). */
export interface ScheduledEvent {
  readonly at: number;
  readonly name: string;
  readonly payloadJson: string;
}

export function scheduleEvents(events: readonly TestEvent[] | undefined, runStart: Date): ScheduledEvent[] {
  return (events ?? [])
    .map((event, i) => {
      const where = `testDag: events[${i}]`;
      if (typeof event.name !== "string" || !EVENT_NAME.test(event.name)) {
        throw new InvalidInputError(`${where}.name must be an event name (letters, digits, and _ . : / -, at most 200), got ${JSON.stringify(event.name)}`, {
          field: `events[${i}].name`,
        });
      }
      let offset: number;
      try {
        offset = parseDuration(event.at, {});
      } catch (error) {
        throw new InvalidInputError(`${where}.at: ${error instanceof Error ? error.message : String(error)}`, { field: `events[${i}].at` });
      }
      const payload = event.payload ?? {};
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
        throw new InvalidInputError(`${where}.payload must be an object (as the API's params), got ${Array.isArray(payload) ? "an array" : typeof payload}`, {
          field: `events[${i}].payload`,
        });
      }
      return { at: runStart.getTime() + offset, name: event.name, payloadJson: JSON.stringify(payload) };
    })
    .sort((a, b) => a.at - b.at);
}
