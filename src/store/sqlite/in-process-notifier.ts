import { EventEmitter } from "node:events";
import type { QueuedNotifier } from "../sql/shared/queued-signal.js";
import { PerDatabase } from "./per-database.js";

/** One emitter per database, shared by every store object on it in this process. */
const emitters = new PerDatabase(() => new EventEmitter().setMaxListeners(0));

/**
 * SQLite's wake-up: an event in this process after a commit that queued work. Other processes on
 * the same file notice through their poll (SQLite has no cross-process notification). `key` is
 * per-database.ts `databaseKey`; `release` (the store's close) lets go of the emitter.
 */
export function inProcessNotifier(key: string): QueuedNotifier & { readonly release: () => void } {
  const { value: events, release } = emitters.acquire(key);
  return {
    afterCommit: () => events.emit("queued"),
    subscribe: async (listener) => {
      events.on("queued", listener);
      return async () => {
        events.off("queued", listener);
      };
    },
    release,
  };
}
