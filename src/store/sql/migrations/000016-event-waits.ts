import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Event waits (`ctx.waitForEvent`, docs/durable-steps.md): a step of kind `event` names the event
 * it awaits in `awaiting_event` until the event is delivered (then null, its result the payload).
 * Its `ended_at` is the wait's deadline meanwhile. The partial index serves delivery: the waiting
 * steps of one event name whose deadline has not passed.
 */
export const eventWaits = (_dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("task_steps").addColumn("awaiting_event", "text").execute();
    await db.schema
      .createIndex("task_steps_awaiting_event")
      .on("task_steps")
      .columns(["awaiting_event", "ended_at"])
      .where((eb) => eb("awaiting_event", "is not", null))
      .execute();
  },
});
