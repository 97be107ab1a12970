import type { Kysely, Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";

/**
 * Durable steps (`ctx.step`): one row per completed step of a task instance, keyed by its number
 * in call order, with the try that completed it and its JSON result. `kind` leaves room for
 * steps that wait (sleep, events).
 */
export const taskSteps = (dialect: SqlDialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    const big = dialect === "postgres" ? "bigint" : "integer";
    await db.schema
      .createTable("task_steps")
      .addColumn("task_instance_id", big, (c) => c.notNull())
      .addColumn("step_number", "integer", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("try_number", "integer", (c) => c.notNull())
      .addColumn("result", "text", (c) => c.notNull())
      .addColumn("started_at", big, (c) => c.notNull())
      .addColumn("ended_at", big, (c) => c.notNull())
      .addPrimaryKeyConstraint("task_steps_pk", ["task_instance_id", "step_number"])
      .execute();
  },
});
