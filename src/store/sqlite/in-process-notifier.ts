import { EventEmitter } from "node:events";
import type { QueuedNotifier } from "../sql/shared/queued-signal.js";

/** One emitter per database file, shared by every store object on it in this process. */
const emitters = new Map<string, EventEmitter>();

/**
 * SQLite's wake-up: an event in this process after a commit that queued work. Other processes on
 * the same file notice through their poll (SQLite has no cross-process notification).
 */
export function inProcessNotifier(path: string): QueuedNotifier {
  let emitter = emitters.get(path);
  if (!emitter) {
    emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    emitters.set(path, emitter);
  }
  const events = emitter;
  return {
    afterCommit: () => events.emit("queued"),
    subscribe: async (listener) => {
      events.on("queued", listener);
      return async () => {
        events.off("queued", listener);
      };
    },
  };
}
