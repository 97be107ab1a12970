import { sql } from "kysely";
import type pg from "pg";
import type { QueuedNotifier } from "../sql/shared/queued-signal.js";
import { loadPg } from "./pg-driver.js";

/** One channel per schema, so stores in different schemas of one database do not wake each other. */
export function queuedChannel(schema: string): string {
  return `tributary_queued_${schema}`;
}

/**
 * PostgreSQL's wake-up: `pg_notify` inside the transaction that queued work (delivered when it
 * commits, dropped if it rolls back), and a dedicated LISTEN connection per subscriber. The
 * connection is re-opened with backoff when it drops; workers poll meanwhile.
 */
export function listenNotifier(url: string, schema: string): QueuedNotifier {
  const channel = queuedChannel(schema);
  return {
    inTransaction: async (tx) => {
      await sql`select pg_notify(${channel}, '')`.execute(tx);
    },
    subscribe: async (listener) => {
      let client: pg.Client | undefined;
      let closed = false;
      let delayMs = 250;
      const connect = async (): Promise<void> => {
        const driver = await loadPg();
        if (closed) return;
        const next = new driver.Client({ connectionString: url });
        next.on("notification", (message) => {
          if (message.channel === channel) listener();
        });
        next.on("error", () => undefined);
        next.on("end", () => {
          if (closed) return;
          client = undefined;
          setTimeout(() => void connect().catch(() => undefined), delayMs).unref();
          delayMs = Math.min(delayMs * 2, 10_000);
        });
        try {
          await next.connect();
          await next.query(`LISTEN "${channel}"`);
          // Closed while a reconnect was under way: that connection is not wanted any more.
          if (closed) {
            await next.end().catch(() => undefined);
            return;
          }
          client = next;
          delayMs = 250;
          // Work may have been queued while we were not listening.
          listener();
        } catch {
          await next.end().catch(() => undefined);
        }
      };
      await connect();
      return async () => {
        closed = true;
        await client?.end().catch(() => undefined);
      };
    },
  };
}
