/** The StepStore over Kysely, shared by both dialects (store/contract/steps.ts). */
import type { Kysely, Selectable } from "kysely";
import type { DeliverEventInput, StepKind, StepRecord, StepStore } from "../../contract/steps.js";
import type { Database, TaskStepTable } from "../schema.js";
import type { RowLocks } from "../shared/locks.js";
import { toDate } from "../shared/rows.js";
import type { RunInTransaction } from "../shared/tx.js";
import { deliverEvent } from "../waits/deliver-event.js";
import { stateLiteral } from "../shared/state-literal.js";

export class SqlStepStore implements StepStore {
  readonly #db: Kysely<Database>;
  readonly #tx: RunInTransaction;
  readonly #rowLocks: RowLocks;

  constructor(db: Kysely<Database>, tx: RunInTransaction, rowLocks: RowLocks) {
    this.#db = db;
    this.#tx = tx;
    this.#rowLocks = rowLocks;
  }

  async list(taskInstanceId: number): Promise<StepRecord[]> {
    const rows = await this.#db
      .selectFrom("task_steps")
      .selectAll()
      .where("task_instance_id", "=", taskInstanceId)
      .orderBy("step_number")
      .execute();
    return rows.map(stepFromRow);
  }

  async listForRun(runId: string): Promise<Map<number, StepRecord[]>> {
    const rows = await this.#db
      .selectFrom("task_steps")
      .innerJoin("task_instances", "task_instances.id", "task_steps.task_instance_id")
      .selectAll("task_steps")
      .where("task_instances.run_id", "=", runId)
      .orderBy("task_steps.task_instance_id")
      .orderBy("task_steps.step_number")
      .execute();
    const byInstance = new Map<number, StepRecord[]>();
    for (const row of rows) {
      const step = stepFromRow(row);
      const steps = byInstance.get(step.taskInstanceId);
      if (steps) steps.push(step);
      else byInstance.set(step.taskInstanceId, [step]);
    }
    return byInstance;
  }

  record(step: StepRecord): Promise<boolean> {
    return this.#tx(async (tx) => {
      // The try must still own its instance, checked under the instance's row lock: a zombie
      // sweep or a cancel that moved it meanwhile waits for this transaction, or wins before it.
      let current = tx
        .selectFrom("task_instances")
        .select("id")
        .where("id", "=", step.taskInstanceId)
        .where("state", "=", stateLiteral("running"))
        .where("try_number", "=", step.tryNumber);
      if (this.#rowLocks) current = current.forUpdate();
      if ((await current.executeTakeFirst()) === undefined) return false;
      await tx
        .insertInto("task_steps")
        .values({
          task_instance_id: step.taskInstanceId,
          step_number: step.number,
          name: step.name,
          kind: step.kind,
          try_number: step.tryNumber,
          result: step.resultJson,
          started_at: step.startedAt.getTime(),
          ended_at: step.endedAt.getTime(),
          // An event step waits under its name until delivery (sql/waits/deliver-event.ts).
          awaiting_event: step.kind === "event" && step.waiting === true ? step.name : null,
        })
        .onConflict((oc) => oc.columns(["task_instance_id", "step_number"]).doNothing())
        .execute();
      return true;
    });
  }

  deliverEvent(input: DeliverEventInput): Promise<number> {
    return this.#tx((tx) => deliverEvent(tx, input, this.#rowLocks));
  }
}

function stepFromRow(row: Selectable<TaskStepTable>): StepRecord {
  return {
    taskInstanceId: Number(row.task_instance_id),
    number: row.step_number,
    name: row.name,
    kind: row.kind as StepKind,
    tryNumber: row.try_number,
    resultJson: row.result,
    startedAt: toDate(row.started_at),
    endedAt: toDate(row.ended_at),
    ...(row.awaiting_event === null ? {} : { waiting: true }),
  };
}
