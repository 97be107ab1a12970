/** The LineageStore over Kysely, shared by both dialects. */
import type { Kysely, Selectable } from "kysely";
import type { Database, DatasetEventTable } from "../schema.js";
import type { CreateRunInput, CreateRunResult } from "../../contract/store.js";
import type { DagStateChange, DatasetEventRecord, DatasetEventSummary, DatasetWriter, LineageStore } from "../../contract/lineage.js";
import type { RunInTransaction } from "../shared/tx.js";
import { createRun } from "../runs/create-run.js";
import { isUniqueViolation } from "../shared/locks.js";
import { runFromRow, stateChangeFromRow, toDate, toMapIndex } from "../shared/rows.js";
import { chunks } from "../shared/transitions.js";

/** How far before the latest consumed event a late-committing event is still picked up. */
const TRIGGER_LOOKBACK_MS = 5 * 60_000;

export function datasetEventFromRow(row: Selectable<DatasetEventTable>): DatasetEventRecord {
  return {
    id: Number(row.id),
    uri: row.dataset_uri,
    runId: row.run_id,
    dagId: row.dag_id,
    taskId: row.task_id,
    mapIndex: row.map_index === null ? null : toMapIndex(row.map_index),
    tryNumber: row.try_number,
    at: toDate(row.at),
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    source: row.source ?? null,
  };
}

export class SqlLineageStore implements LineageStore {
  readonly #db: Kysely<Database>;
  readonly #tx: RunInTransaction;
  readonly #rowLocks: boolean;

  constructor(db: Kysely<Database>, tx: RunInTransaction, rowLocks: boolean) {
    this.#db = db;
    this.#tx = tx;
    this.#rowLocks = rowLocks;
  }

  async recordDatasetEvent(input: {
    uri: string;
    metadata: Readonly<Record<string, string | number | boolean | null>>;
    source: string;
    now: Date;
  }): Promise<DatasetEventRecord> {
    const row = await this.#tx((tx) =>
      tx
        .insertInto("dataset_events")
        .values({
          dataset_uri: input.uri,
          run_id: null,
          dag_id: null,
          task_id: null,
          map_index: null,
          try_number: null,
          at: input.now.getTime(),
          metadata: JSON.stringify(input.metadata),
          source: input.source,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return datasetEventFromRow(row);
  }

  async listDatasetEvents(filter: { uri?: string; runId?: string; afterId?: number; limit?: number }): Promise<DatasetEventRecord[]> {
    let query = this.#db.selectFrom("dataset_events").selectAll();
    if (filter.uri !== undefined) query = query.where("dataset_uri", "=", filter.uri);
    if (filter.runId !== undefined) query = query.where("run_id", "=", filter.runId);
    if (filter.afterId !== undefined) query = query.where("id", ">", filter.afterId);
    const rows = await query.orderBy("id").limit(filter.limit ?? 10_000).execute();
    return rows.map(datasetEventFromRow);
  }

  async lastDatasetUpdates(uris: readonly string[]): Promise<Map<string, Date>> {
    const updates = new Map<string, Date>();
    if (uris.length === 0) return updates;
    // The latest event of each is the one with the highest id (the index by uri and id finds it).
    const rows = await this.#db
      .selectFrom("dataset_events as e")
      .select(["e.dataset_uri", "e.at"])
      .where("e.dataset_uri", "in", uris)
      .where((eb) =>
        eb("e.id", "=", eb.selectFrom("dataset_events as l").select((l) => l.fn.max("l.id").as("id")).whereRef("l.dataset_uri", "=", "e.dataset_uri")),
      )
      .execute();
    for (const row of rows) updates.set(row.dataset_uri, toDate(row.at));
    return updates;
  }

  async summariseDatasets(): Promise<DatasetEventSummary[]> {
    const groups = await this.#db
      .selectFrom("dataset_events")
      .select((eb) => ["dataset_uri", eb.fn.countAll().as("events"), eb.fn.max("id").as("last_id")])
      .groupBy("dataset_uri")
      .orderBy("dataset_uri")
      .execute();
    const last = new Map<number, DatasetEventRecord>();
    for (const ids of chunks(groups.map((g) => Number(g.last_id)), 500)) {
      const rows = await this.#db.selectFrom("dataset_events").selectAll().where("id", "in", ids).execute();
      for (const row of rows) last.set(Number(row.id), datasetEventFromRow(row));
    }
    return groups.flatMap((g) => {
      const event = last.get(Number(g.last_id));
      return event ? [{ uri: g.dataset_uri, events: Number(g.events), last: event }] : [];
    });
  }

  async listDatasetWriters(afterId: number): Promise<{ writers: DatasetWriter[]; lastEventId: number }> {
    const top = await this.#db.selectFrom("dataset_events").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
    const lastEventId = top?.id === null || top?.id === undefined ? 0 : Number(top.id);
    if (lastEventId <= afterId) return { writers: [], lastEventId: Math.max(afterId, lastEventId) };
    const rows = await this.#db
      .selectFrom("dataset_events")
      .select(["dataset_uri", "dag_id", "task_id"])
      .distinct()
      .where("id", ">", afterId)
      .where("id", "<=", lastEventId)
      .where("dag_id", "is not", null)
      .where("task_id", "is not", null)
      .execute();
    const writers = rows.map((r) => ({ uri: r.dataset_uri, dagId: r.dag_id ?? "", taskId: r.task_id ?? "" }));
    return { writers, lastEventId };
  }

  async dagsVersion(): Promise<string> {
    const row = await this.#db
      .selectFrom("dags")
      .select((eb) => [eb.fn.countAll().as("n"), eb.fn.max("updated_at").as("latest")])
      .executeTakeFirst();
    return `${String(row?.n ?? 0)}:${String(row?.latest ?? 0)}`;
  }

  async pendingTriggerEvents(input: { dagId: string; uris: readonly string[] }): Promise<DatasetEventRecord[]> {
    if (input.uris.length === 0) return [];
    const latest = await this.#db
      .selectFrom("dataset_triggers as t")
      .innerJoin("dataset_events as e", "e.id", "t.event_id")
      .select((eb) => eb.fn.max("e.at").as("at"))
      .where("t.dag_id", "=", input.dagId)
      .executeTakeFirst();
    let query = this.#db
      .selectFrom("dataset_events as e")
      .selectAll("e")
      .where("e.dataset_uri", "in", input.uris)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom("dataset_triggers as t").select("t.event_id").where("t.dag_id", "=", input.dagId).whereRef("t.event_id", "=", "e.id"),
          ),
        ),
      );
    // Events committed a little late (PostgreSQL allocates ids before commit) are still found.
    if (latest?.at !== null && latest?.at !== undefined) query = query.where("e.at", ">=", Number(latest.at) - TRIGGER_LOOKBACK_MS);
    const rows = await query.orderBy("e.id").limit(10_000).execute();
    return rows.map(datasetEventFromRow);
  }

  async createTriggeredRun(input: CreateRunInput & { eventIds: readonly number[] }): Promise<CreateRunResult> {
    const { eventIds, ...runInput } = input;
    try {
      return await this.#tx(async (tx) => {
        const result = await createRun(tx, runInput);
        const events = eventIds.length === 0 ? [] : await tx.selectFrom("dataset_events").select(["id", "dataset_uri"]).where("id", "in", [...eventIds]).execute();
        for (const batch of chunks(events, 500)) {
          await tx
            .insertInto("dataset_triggers")
            .values(batch.map((e) => ({ run_id: runInput.runId, dag_id: runInput.graph.dagId, dataset_uri: e.dataset_uri, event_id: Number(e.id) })))
            .execute();
        }
        return result;
      });
    } catch (error) {
      // Another scheduler consumed these events first: its run is the one they triggered.
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.#db
        .selectFrom("dataset_triggers as t")
        .innerJoin("dag_runs as r", "r.run_id", "t.run_id")
        .selectAll("r")
        .where("t.dag_id", "=", runInput.graph.dagId)
        .where("t.event_id", "in", eventIds.length === 0 ? [-1] : [...eventIds])
        .executeTakeFirst();
      const existing = winner ?? (await this.#db.selectFrom("dag_runs").selectAll().where("run_id", "=", runInput.runId).executeTakeFirst());
      if (!existing) throw error;
      return { run: runFromRow(existing), created: false };
    }
  }

  async listRunTriggers(runId: string): Promise<DatasetEventRecord[]> {
    const rows = await this.#db
      .selectFrom("dataset_triggers as t")
      .innerJoin("dataset_events as e", "e.id", "t.event_id")
      .selectAll("e")
      .where("t.run_id", "=", runId)
      .orderBy("e.id")
      .execute();
    return rows.map(datasetEventFromRow);
  }

  takeStateChanges(input: { consumer: string; limit: number; settledBefore: Date; fromStart?: boolean; now: Date }): Promise<DagStateChange[]> {
    return this.#tx(async (tx) => {
      const read = () => {
        const query = tx.selectFrom("lineage_cursors").select("position").where("consumer", "=", input.consumer);
        return (this.#rowLocks ? query.forUpdate() : query).executeTakeFirst();
      };
      let cursor = await read();
      if (!cursor) {
        const top = await tx.selectFrom("state_history").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
        const start = input.fromStart === true || top?.id === null || top?.id === undefined ? 0 : Number(top.id);
        await tx
          .insertInto("lineage_cursors")
          .values({ consumer: input.consumer, position: start, updated_at: input.now.getTime() })
          .onConflict((oc) => oc.column("consumer").doNothing())
          .execute();
        cursor = await read();
      }
      const position = Number(cursor?.position ?? 0);
      const rows = await tx.selectFrom("state_history").selectAll().where("id", ">", position).orderBy("id").limit(input.limit).execute();
      // Stop at the first change that is too recent: nothing after it may be taken before it.
      const cut = rows.findIndex((r) => Number(r.at) > input.settledBefore.getTime());
      const taken = cut === -1 ? rows : rows.slice(0, cut);
      const last = taken.at(-1);
      if (!last) return [];
      await tx
        .updateTable("lineage_cursors")
        .set({ position: Number(last.id), updated_at: input.now.getTime() })
        .where("consumer", "=", input.consumer)
        .execute();
      const runIds = [...new Set(taken.map((r) => r.run_id))];
      const dagOf = new Map<string, string>();
      for (const ids of chunks(runIds, 500)) {
        for (const run of await tx.selectFrom("dag_runs").select(["run_id", "dag_id"]).where("run_id", "in", ids).execute()) {
          dagOf.set(run.run_id, run.dag_id);
        }
      }
      return taken.map((row) => ({ ...stateChangeFromRow(row), dagId: dagOf.get(row.run_id) ?? "" }));
    });
  }
}
