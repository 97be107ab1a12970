/**
 * A worker's step on SQLite in one synchronous transaction of statements prepared once (issue 17):
 * its outcomes, the downstream tasks they make ready, and its next claim. Through Kysely the same
 * step builds and compiles some thirteen queries and awaits each one: on SQLite, whose statements
 * take microseconds, most of a step's time outside the commit itself.
 *
 * It covers what PostgreSQL's `tributary_step` covers (sql/shared/step-call.ts decides, for both),
 * and does what it does in the same order (postgres/step-function-sql.ts): the outcomes' tries closed and
 * instances moved, readiness once per run at its latest outcome, a running run whose every
 * instance succeeded closed as a success, the claim in the claim's order, the log lines. It gives
 * up, its transaction rolled back, on what the rows show beyond that (an outcome that is not the
 * try in progress, an upstream that failed or was skipped, a run to close otherwise, a row that
 * moved); the store then records the step through the statements' path (sql/tries/complete-tries.ts,
 * sql/runs/advance.ts, sql/tries/claim.ts), which remains the definition of every rule:
 * test/conformance/step-function.test.ts runs scripts through both and compares everything. A
 * claim with a candidate in a configured pool or woken from a wait, or a due wait to wake into a
 * free slot, is left to the store (`claimSkipped`), the outcomes recorded.
 *
 * The transaction is the store's write transaction in every way that matters: BEGIN IMMEDIATE,
 * queued behind the file's write lock (write-lock.ts) and Kysely's hold on the connection, so
 * that no other transaction of this process is open on it, and committed with synchronous=FULL.
 */
import type { Database as SqliteConnection, RunResult, Statement } from "better-sqlite3";
import type { Kysely } from "kysely";
import type { RunState } from "../../core/types.js";
import type { QueryListener } from "../contract/query-listener.js";
import type { Database } from "../sql/schema.js";
import type { CandidateRow } from "../sql/tries/claim.js";
import type { QueuedNotifier } from "../sql/shared/queued-signal.js";
import { claimedTask, NOT_COVERED, stepCall, successResult, type ClaimedEntry, type StepCall } from "../sql/shared/step-call.js";
import { servedDagSet } from "../sql/shared/claim-dags.js";
import type { StepFunction } from "../sql/shared/step-function.js";
import { withOpaqueLimits } from "./limit-parameters.js";
import type { WriteLock } from "./write-lock.js";

export interface SqliteStepOptions {
  readonly connection: SqliteConnection;
  /** The store's Kysely instance: its hold on the connection keeps its own queries out of the step. */
  readonly db: Kysely<Database>;
  readonly writeLock: WriteLock;
  readonly notifier: QueuedNotifier;
  readonly onQuery?: QueryListener;
}

export function stepFunction(options: SqliteStepOptions): StepFunction {
  const { connection, db, writeLock, notifier } = options;
  let step: ((call: StepCall) => Stepped) | undefined;
  return async (inputs, claim) => {
    const call = stepCall(inputs, claim);
    if (call === undefined) return NOT_COVERED;
    const stepped = await writeLock.run(() =>
      db.connection().execute(async () => {
        // Prepared on first use: the tables exist only once the store has migrated.
        if (step === undefined) {
          const statements = prepareStatements(connection, options.onQuery);
          step = connection.transaction((c: StepCall) => recordStep(statements, c)).immediate;
        }
        // Under the write lock and Kysely's hold no transaction of this process is open on the
        // connection; if one were (a failed rollback), better-sqlite3 would nest the step in it as
        // a savepoint and report a commit that is not one.
        if (connection.inTransaction) throw new Error("SQLite step: a transaction is already open on the store's connection");
        try {
          return step(call);
        } catch (error) {
          if (error instanceof GiveUp) return { declined: error.reason };
          throw error;
        }
      }),
    );
    if ("declined" in stepped) return stepped;
    if (stepped.wake) notifier.afterCommit?.();
    const results = stepped.results.map(({ runState, queued }) => successResult(runState, queued));
    const claimed = claim === undefined ? [] : stepped.claimed.map(claimedTask(claim));
    return { results, claimed, ...(stepped.claimSkipped ? { claimSkipped: true as const } : {}) };
  };
}

/** What the step did, in the transaction's own terms. */
interface Stepped {
  readonly results: readonly { readonly runState: RunState; readonly queued: number }[];
  readonly claimed: readonly ClaimedEntry[];
  readonly claimSkipped: boolean;
  /** It queued work it did not claim: other workers are woken once it has committed. */
  readonly wake: boolean;
}

/** Rolls the step back: the statements' path records it instead. */
class GiveUp extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

interface InstanceRow {
  readonly id: number;
  readonly run_id: string;
  readonly task_id: string;
  readonly map_index: number;
  readonly state: string;
  readonly try_number: number;
  readonly started_at: number | null;
  readonly run_state: RunState;
}

/** A run's share of the step: its state, its latest outcome, what it queued, its outcomes' downstream tasks. */
interface RunStep {
  state: RunState;
  at: number;
  queued: number;
  readonly downstream: Map<string, readonly string[]>;
}

function recordStep(s: Statements, call: StepCall): Stepped {
  // Every outcome must be its instance's try in progress, once: otherwise nothing is written.
  const rows: InstanceRow[] = [];
  const ids = new Set<number>();
  for (const outcome of call.outcomes) {
    const row = s.instance.get(outcome.id) as InstanceRow | undefined;
    if (row === undefined || ids.has(row.id) || row.task_id !== outcome.task || row.state !== "running" || row.try_number !== outcome.try) {
      throw new GiveUp("a stale or repeated outcome");
    }
    ids.add(row.id);
    rows.push(row);
  }

  // The successes, in the order given: tries closed, instances moved, their history.
  const runs = new Map<string, RunStep>();
  call.outcomes.forEach((outcome, i) => {
    const row = rows[i] as InstanceRow;
    // A try never ends before it started (the worker's clock may run behind the claimer's).
    const at = Math.max(outcome.now, row.started_at ?? 0);
    s.closeTry.run(at, row.id, row.try_number);
    s.succeed.run(at, outcome.result, at, row.id);
    s.history.run(row.run_id, row.id, row.task_id, row.map_index, "running", "success", at);
    let run = runs.get(row.run_id);
    if (run === undefined) {
      run = { state: row.run_state, at, queued: 0, downstream: new Map() };
      runs.set(row.run_id, run);
    }
    run.at = Math.max(run.at, at);
    for (const { task, upstream } of outcome.downstream) if (!run.downstream.has(task)) run.downstream.set(task, upstream);
  });

  // Readiness once per run, at the run's latest outcome: each downstream task queued once every
  // upstream instance succeeded (all_success, no mapping: stepCall checked), left waiting while one
  // is open.
  const open = JSON.stringify(call.open);
  const endedOtherwise = JSON.stringify(call.endedOtherwise);
  const queued = new Set<number>();
  for (const [runId, run] of runs) {
    for (const [task, upstream] of run.downstream) {
      const waiting = s.waiting.all(runId, task) as { id: number; map_index: number }[];
      if (waiting.length === 0) continue;
      const tasks = JSON.stringify(upstream);
      if (s.anyOf.get(runId, endedOtherwise, tasks) !== undefined) throw new GiveUp("a trigger rule to decide");
      if (s.anyOf.get(runId, open, tasks) !== undefined) continue;
      for (const { id } of waiting) if (s.queue.run(run.at, run.at, id).changes !== 1) throw new GiveUp("an instance moved");
      for (const { id, map_index } of waiting) s.history.run(runId, id, task, map_index, "scheduled", "queued", run.at);
      for (const { id } of waiting) queued.add(id);
      run.queued += waiting.length;
    }
  }

  // A run that queued nothing may be done: a running run whose every instance succeeded succeeds,
  // at its latest outcome; any other end is the statements' path (sql/runs/advance.ts).
  for (const [runId, run] of runs) {
    if (run.queued > 0 || s.anyIn.get(runId, open) !== undefined) continue;
    if (run.state !== "running" || s.anyOtherThanSuccess.get(runId) !== undefined) throw new GiveUp("a run to close");
    s.closeRun.run(run.at, run.at, runId);
    s.runHistory.run(runId, "running", "success", run.at);
    run.state = "success";
  }

  // Each outcome's result: its run's state, and what its run queued, told on the run's last outcome.
  const lastOfRun = new Map(rows.map((row, i) => [row.run_id, i]));
  const results = rows.map((row, i) => {
    const run = runs.get(row.run_id) as RunStep;
    return { runState: run.state, queued: lastOfRun.get(row.run_id) === i ? run.queued : 0 };
  });

  const { claimed, claimSkipped } = call.claim === null ? { claimed: [], claimSkipped: false } : claimNext(s, call.claim);

  // The tries' last log lines, with their outcomes.
  for (const line of call.logs) s.log.run(line.try_id, line.at, line.stream, line.level, line.message);

  const claimedIds = new Set(claimed.map((entry) => entry.row.id));
  return { results, claimed, claimSkipped, wake: [...queued].some((id) => !claimedIds.has(id)) };
}

/**
 * The worker's next tries, in the claim's order (sql/tries/claim.ts). Candidates are read first:
 * one in a configured pool or woken from a wait, or a due wait to wake into a slot left over
 * (sql/waits/wake-due.ts), leaves the claim to the store's statements.
 */
function claimNext(s: Statements, claim: NonNullable<StepCall["claim"]>): { claimed: ClaimedEntry[]; claimSkipped: boolean } {
  if (claim.limit <= 0) return { claimed: [], claimSkipped: false };
  const candidates = readCandidates(s, claim);
  if (candidates.some((row) => row.pool_slots !== null || row.wait_reason !== null)) return { claimed: [], claimSkipped: true };
  if (candidates.length < claim.limit && anyDueWait(s, claim)) return { claimed: [], claimSkipped: true };
  const claimed: ClaimedEntry[] = [];
  for (const row of candidates) {
    const tryNumber = row.try_number + 1;
    // Never before the instance's previous try ended or before it was queued (sql/tries/claim.ts).
    const started = Math.max(claim.now, row.ended_at ?? 0, row.queued_at ?? 0);
    const opened = s.openTry.get(row.id, tryNumber, claim.worker, row.queued_at, started) as { id: number };
    const start = row.next_retry_at === null ? s.start : s.startClearingRetry;
    if (start.run(tryNumber, claim.worker, started, started, started, row.id).changes !== 1) throw new GiveUp("an instance moved");
    s.history.run(row.run_id, row.id, row.task_id, row.map_index, "queued", "running", started);
    claimed.push({ row, try_id: opened.id, started_at: started });
  }
  return { claimed, claimSkipped: false };
}

/**
 * The claim's candidates, read first without the list of the DAGs the worker serves (every DAG of
 * a deployment, 3,000 names, sent and read at every claim: 0.4 ms of a chain's step), and read
 * again with it only when one of them is of a DAG the worker does not serve. Either way they are
 * the first of the queue among the served DAGs. (A worker that serves some of the DAGs while
 * another's instances lead the queue, or instances of a DAG whose file is gone stay queued,
 * reads twice at each step: a little more than one read with the list.)
 */
function readCandidates(s: Statements, claim: NonNullable<StepCall["claim"]>): CandidateRow[] {
  const queues = claim.queues === null ? undefined : JSON.stringify(claim.queues);
  const first = (queues === undefined ? s.candidatesOfAny.all({ limit: claim.limit }) : s.candidatesOfAnyInQueues.all({ queues, limit: claim.limit })) as CandidateRow[];
  const served = servedDagSet(claim.dags);
  if (first.every((row) => served.has(row.dag_id))) return first;
  const dags = JSON.stringify(claim.dags);
  return (queues === undefined ? s.candidates.all({ dags, limit: claim.limit }) : s.candidatesInQueues.all({ dags, queues, limit: claim.limit })) as CandidateRow[];
}

/** Whether a deferred instance of the claim's DAGs is due to wake by now (sql/waits/wake-due.ts). */
function anyDueWait(s: Statements, claim: NonNullable<StepCall["claim"]>): boolean {
  if (claim.wake.length === 0) return false;
  const wake = { now: claim.now, dags: JSON.stringify(claim.wake) };
  return (claim.queues === null ? s.dueWait.get(wake) : s.dueWaitInQueues.get({ ...wake, queues: JSON.stringify(claim.queues) })) !== undefined;
}

/**
 * The claim's columns (sql/tries/claim.ts): the instance, its pool's slots, its run's columns
 * prefixed `run_`; for a worker of every queue, or of the queues listed (a statement each: an
 * `@queues is null or ...` in one costs about 20 µs a call).
 */
const candidatesSql = (ofDags: string, inQueues: string): string => `
  select t.*, pl.slots as pool_slots, r.run_type as run_type, r.state as run_state, r.logical_date as run_logical_date,
    r.data_interval_start as run_data_interval_start, r.data_interval_end as run_data_interval_end, r.params as run_params,
    r.created_at as run_created_at, r.started_at as run_started_at, r.ended_at as run_ended_at, r.updated_at as run_updated_at,
    r.dag_version as run_dag_version
  from task_instances t join dag_runs r on r.run_id = t.run_id left join pools pl on pl.name = t.pool
  where t.state = 'queued'${ofDags}${inQueues}
  order by t.priority desc, t.queued_at asc, t.id asc
  limit @limit`;
const dueWaitSql = (inQueues: string): string => `
  select 1 from task_instances t where t.wake_at <= @now and t.state = 'deferred' and t.dag_id in (select value from json_each(@dags))${inQueues}
  limit 1`;
const IN_QUEUES = " and t.queue in (select value from json_each(@queues))";
const OF_DAGS = " and t.dag_id in (select value from json_each(@dags))";

/** The step's statements. Lists (states, tasks, DAGs, queues) are JSON arrays read by json_each: one statement whatever their length. */
const SQL = {
  instance: `select t.id, t.run_id, t.task_id, t.map_index, t.state, t.try_number, t.started_at, r.state as run_state
    from task_instances t join dag_runs r on r.run_id = t.run_id where t.id = ?`,
  closeTry: `update task_tries set outcome = 'success', ended_at = ?, error = null, error_kind = null where task_instance_id = ? and try_number = ?`,
  succeed: `update task_instances set ended_at = ?, result = ?, error = null, worker_id = null, updated_at = ?, state = 'success' where id = ? and state = 'running'`,
  history: `insert into state_history (run_id, task_instance_id, task_id, map_index, from_state, to_state, at, reason) values (?, ?, ?, ?, ?, ?, ?, null)`,
  runHistory: `insert into state_history (run_id, task_instance_id, task_id, map_index, from_state, to_state, at, reason) values (?, null, null, null, ?, ?, ?, null)`,
  waiting: `select id, map_index from task_instances where run_id = ? and task_id = ? and state = 'scheduled' order by map_index`,
  // States listed, never negated, so that the index on (run_id, state, task_id) finds them.
  anyOf: `select 1 from task_instances where run_id = ? and state in (select value from json_each(?)) and task_id in (select value from json_each(?)) limit 1`,
  anyIn: `select 1 from task_instances where run_id = ? and state in (select value from json_each(?)) limit 1`,
  anyOtherThanSuccess: `select 1 from task_instances where run_id = ? and state <> 'success' limit 1`,
  queue: `update task_instances set queued_at = ?, updated_at = ?, state = 'queued' where id = ? and state = 'scheduled'`,
  closeRun: `update dag_runs set ended_at = ?, state = 'success', updated_at = ? where run_id = ? and state = 'running'`,
  candidates: candidatesSql(OF_DAGS, ""),
  candidatesInQueues: candidatesSql(OF_DAGS, IN_QUEUES),
  candidatesOfAny: candidatesSql("", ""),
  candidatesOfAnyInQueues: candidatesSql("", IN_QUEUES),
  dueWait: dueWaitSql(""),
  dueWaitInQueues: dueWaitSql(IN_QUEUES),
  openTry: `insert into task_tries (task_instance_id, try_number, outcome, worker_id, queued_at, started_at, ended_at, error, error_kind)
    values (?, ?, 'running', ?, ?, ?, null, null, null) returning id`,
  // A queued instance's retry time was cleared when it was queued: naming the column anyway would
  // rewrite its index entry (SQLite does when a column is set, whatever the value; migration 000018).
  start: `update task_instances set try_number = ?, worker_id = ?, started_at = ?, ended_at = null, heartbeat_at = ?,
    updated_at = ?, state = 'running' where id = ? and state = 'queued'`,
  startClearingRetry: `update task_instances set try_number = ?, worker_id = ?, started_at = ?, ended_at = null, heartbeat_at = ?,
    updated_at = ?, next_retry_at = null, state = 'running' where id = ? and state = 'queued'`,
  log: `insert into task_logs (try_id, at, stream, level, message) values (?, ?, ?, ?, ?)`,
} as const;

/** A prepared statement as the step uses it (reported to the store's query listener, if any). */
interface StepStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

type Statements = { readonly [K in keyof typeof SQL]: StepStatement };

function prepareStatements(connection: SqliteConnection, onQuery: QueryListener | undefined): Statements {
  const entries = Object.entries(SQL).map(([name, source]) => {
    const statement = connection.prepare(withOpaqueLimits(source));
    return [name, onQuery === undefined ? statement : reported(statement, onQuery)];
  });
  return Object.fromEntries(entries) as Statements;
}

/** A statement that tells the listener its SQL and duration, as Kysely's log does for the others. */
function reported(statement: Statement, onQuery: QueryListener): StepStatement {
  const timed =
    <R>(call: (...params: unknown[]) => R) =>
    (...params: unknown[]): R => {
      const started = performance.now();
      try {
        return call(...params);
      } finally {
        onQuery(statement.source, performance.now() - started);
      }
    };
  return { run: timed((...p) => statement.run(...p)), get: timed((...p) => statement.get(...p)), all: timed((...p) => statement.all(...p)) };
}
