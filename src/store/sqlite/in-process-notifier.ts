import { EventEmitter } from "node:events";
import type { QueuedNotifier } from "../sql/shared/queued-signal.js";

interface Shared {
  readonly events: EventEmitter;
  users: number;
}

/** One emitter per database (write-lock.ts `databaseKey`), shared by every store object on it in this process. */
const emitters = new Map<string, Shared>();

/**
 * SQLite's wake-up: an event in this process after a commit that queued work. Other processes on
 * the same file notice through their poll (SQLite has no cross-process notification). `release`
 * (the store's close) forgets the emitter once no store object uses it.
 */
export function inProcessNotifier(key: string): QueuedNotifier & { readonly release: () => void } {
  let shared = emitters.get(key);
  if (!shared) {
    shared = { events: new EventEmitter(), users: 0 };
    shared.events.setMaxListeners(0);
    emitters.set(key, shared);
  }
  shared.users++;
  const { events } = shared;
  const entry = shared;
  let released = false;
  return {
    afterCommit: () => events.emit("queued"),
    subscribe: async (listener) => {
      events.on("queued", listener);
      return async () => {
        events.off("queued", listener);
      };
    },
    release: () => {
      if (released) return;
      released = true;
      if (--entry.users === 0 && emitters.get(key) === entry) emitters.delete(key);
    },
  };
}
