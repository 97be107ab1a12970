/**
 * A worker's step on PostgreSQL in one round trip (issue 17): its outcomes, the downstream tasks
 * they make ready, and its next claim, recorded by the server-side function `tributary_step`
 * (migration 000019) in one call and one implicit transaction. Through statements the same step
 * costs eight round trips or more (BEGIN, lock, move, readiness, queue, claim, open, COMMIT),
 * most of a PostgreSQL step's time on a local server.
 *
 * It takes only the common case, and says so before calling (`stepCall`): a batch of up to 500
 * successes (the outcomes a worker commits together), each of a plain task (`task`, `shell`, or a
 * mapped task's instance) that has no cache, no datasets to record and no branch to choose, and
 * whose downstream tasks all wait for all_success and have nothing to expand, with at most a
 * million characters of log lines, claimed for a worker with no DAG limits. The function itself
 * gives up (its writes rolled back, no error raised) on whatever the rows show beyond that: an
 * upstream failed or skipped, a run to close other than a running run whose every instance
 * succeeded (which it closes as a success), a row that moved. So does an argument PostgreSQL
 * refuses as data. A claim with a candidate in a configured pool or woken from a wait, or a due
 * wait to wake into a free slot, is left to the caller (`claimSkipped`), the outcomes recorded.
 * Everything else, and every give-up, goes through the statements' path
 * (sql/tries/complete-tries.ts, sql/runs/advance.ts, sql/tries/claim.ts), which remains the
 * definition of each rule: test/conformance/step-function.test.ts runs scripts of steps and
 * batches through both and compares everything each returned and stored, and the conformance
 * suite's plain successes go through the function on PostgreSQL. A give-up leaves gaps in the ids
 * of history rows, tries and log lines (sequences do not roll back), as any rolled-back
 * transaction does.
 */
import { sql, type Kysely } from "kysely";
import { assertRunTransition, assertTaskTransition, isTerminalTaskState, TASK_TRANSITIONS } from "../../core/state-machine.js";
import type { TaskKind, TaskState } from "../../core/types.js";
import type { ClaimedTask, ClaimRequest, CompleteTryInput, CompleteTryResult } from "../contract/store.js";
import { storedResultJson } from "../contract/stored-result.js";
import { indexGraph } from "../sql/shared/graph-index.js";
import { instanceFromRow } from "../sql/shared/rows.js";
import { splitCandidate, type CandidateRow } from "../sql/tries/claim.js";
import { logRows } from "../sql/tries/insert-logs.js";
import type { Database } from "../sql/schema.js";
import type { StepDeclined, StepFunction } from "../sql/shared/step-function.js";

// The state moves the function makes, checked against the state machine once, when this module
// loads: a state machine that forbade one would stop the store from starting, not a step.
for (const [from, to] of [["running", "success"], ["scheduled", "queued"], ["queued", "running"]] as const) assertTaskTransition(from, to);
assertRunTransition("running", "success");

const STATES = Object.keys(TASK_TRANSITIONS) as TaskState[];
/** States an instance can still leave; and the ends other than success (a trigger rule's decision). */
const OPEN = STATES.filter((state) => !isTerminalTaskState(state));
const ENDED_OTHERWISE = STATES.filter((state) => isTerminalTaskState(state) && state !== "success");

/**
 * The kinds whose success is only a success: a branch also chooses, a sensor or an approval
 * pokes. (A mapped task's instance is one of many; its downstream tasks are judged by probes.)
 */
const COVERED_KINDS: ReadonlySet<TaskKind> = new Set(["task", "shell", "map"]);

/** Above this many characters of log lines the statements' path stores them (jsonb has limits, and one argument is parsed whole). */
const MAX_LOG_CHARS = 1_000_000;

/** Above this many downstream tasks the statements' path, which reads them set-wise, is kept. */
const MAX_DOWNSTREAM = 32;

/** The statements' path reads up to 500 outcomes' rows in one statement, and locks a larger batch otherwise. */
const MAX_OUTCOMES = 500;

/** What a step declined by `stepCall` is counted as. */
const NOT_COVERED: StepDeclined = { declined: "not covered" };

/** The step function of a store whose workers are woken on `channel` (postgres/listen-notifier.ts). */
export function stepFunction(db: Kysely<Database>, channel: string): StepFunction {
  return async (inputs, claim) => {
    const call = stepCall(inputs, claim, channel);
    if (call === undefined) return NOT_COVERED;
    let reply: StepReply;
    try {
      const { rows } = await sql<{ step: StepReply }>`select tributary_step(${JSON.stringify(call)}::jsonb) as step`.execute(db);
      reply = (rows[0] as { step: StepReply }).step;
    } catch (error) {
      // Data the function's argument cannot carry (jsonb refuses a lone surrogate's escape, or a
      // value past its limits), which the statements' path stores as it always has.
      if (isDataError(error)) return { declined: `data the function could not take (SQLSTATE ${String((error as { code: string }).code)})` };
      throw error;
    }
    if ("fallback" in reply) return { declined: reply.reason.replace(/^tributary_step: /, "") };
    const results = reply.results.map(({ run_state, queued }): CompleteTryResult => ({ state: "success", nextRetryAt: null, runState: run_state, queued, applied: true }));
    return { results, claimed: reply.claimed.map(claimedTask(claim as ClaimRequest)), ...(reply.claim_skipped ? { claimSkipped: true as const } : {}) };
  };
}

/** The function's argument for a step it covers, or undefined (see the header). */
export function stepCall(inputs: readonly CompleteTryInput[], claim: ClaimRequest | undefined, channel: string): StepCall | undefined {
  if (inputs.length === 0 || inputs.length > MAX_OUTCOMES) return undefined;
  if (claim !== undefined && !claimCovered(claim)) return undefined;
  const outcomes: StepCall["outcomes"][number][] = [];
  for (const input of inputs) {
    const outcome = plainSuccess(input);
    if (outcome === undefined) return undefined;
    outcomes.push(outcome);
  }
  // Last: the lines are capped as they are read (the statements' path caps them itself).
  const logs = logRows(inputs.flatMap((input) => (input.logs === undefined ? [] : [input.logs])));
  if (logs.reduce((chars, line) => chars + line.message.length, 0) > MAX_LOG_CHARS) return undefined;
  return {
    outcomes,
    open: OPEN,
    endedOtherwise: ENDED_OTHERWISE,
    claim:
      claim === undefined
        ? null
        : {
            worker: claim.workerId,
            limit: claim.limit,
            now: claim.now.getTime(),
            dags: claim.dagIds,
            queues: claim.queues === undefined ? null : claim.queues,
            wake: (claim.wakeDagIds ?? []).filter((dagId) => claim.dagIds.includes(dagId)),
          },
    logs,
    channel,
  };
}

/** SQLSTATE classes 22 (data exception) and 54 (program limit exceeded). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("54"));
}

/** One outcome as the function takes it, if it is a success the function covers. */
function plainSuccess(input: CompleteTryInput): StepCall["outcomes"][number] | undefined {
  if (input.outcome !== "success" || input.taskId === undefined || input.cache !== undefined || input.sleepsUntil !== undefined) return undefined;
  if ((input.emitted?.length ?? 0) > 0) return undefined;
  const index = indexGraph(input.graph);
  const spec = index.spec(input.taskId);
  if (spec === undefined || !COVERED_KINDS.has(spec.kind) || spec.cacheTtlMs !== undefined || spec.outputDatasets.length > 0) return undefined;
  const downstream = index.downstream(input.taskId);
  if (downstream.length > MAX_DOWNSTREAM) return undefined;
  const waits: { task: string; upstream: readonly string[] }[] = [];
  for (const taskId of downstream) {
    const next = index.spec(taskId);
    if (next === undefined || next.triggerRule !== "all_success" || next.kind === "map") return undefined;
    waits.push({ task: taskId, upstream: next.upstream });
  }
  return { id: input.taskInstanceId, task: input.taskId, try: input.tryNumber, now: input.now.getTime(), result: storedResultJson(input.result), downstream: waits };
}

/** A claim with no DAG limits among its DAGs (sql/tries/claim.ts counts running instances for those). */
function claimCovered(claim: ClaimRequest): boolean {
  return ![...(claim.maxActiveTasks?.keys() ?? [])].some((dagId) => claim.dagIds.includes(dagId));
}

/** A claimed row as the statements' claim hands it on: the row as read, with the try it opened. */
function claimedTask(claim: ClaimRequest): (entry: ClaimedEntry) => ClaimedTask {
  return ({ row: candidate, try_id, started_at }) => {
    const { row, run } = splitCandidate(candidate);
    const tryNumber = row.try_number + 1;
    return {
      instance: instanceFromRow({ ...row, state: "running", try_number: tryNumber, worker_id: claim.workerId, started_at }),
      run,
      tryId: Number(try_id),
      tryNumber,
    };
  };
}

/** What `tributary_step` is called with. */
export interface StepCall {
  /** The successes, in the order given. */
  readonly outcomes: readonly {
    readonly id: number;
    /** The instance's task, checked against its row: the caller judged the outcome by it. */
    readonly task: string;
    readonly try: number;
    readonly now: number;
    readonly result: string;
    /** The task's downstream tasks, in the graph's order, each with its upstream tasks. */
    readonly downstream: readonly { readonly task: string; readonly upstream: readonly string[] }[];
  }[];
  readonly open: readonly TaskState[];
  readonly endedOtherwise: readonly TaskState[];
  readonly claim: {
    readonly worker: string;
    readonly limit: number;
    readonly now: number;
    readonly dags: readonly string[];
    readonly queues: readonly string[] | null;
    /** DAGs among `dags` whose due waits fill slots left over (the function leaves the claim if one is due). */
    readonly wake: readonly string[];
  } | null;
  readonly logs: ReturnType<typeof logRows>;
  readonly channel: string;
}

/** A claimed row as `to_jsonb` gives it (the claim's columns), with the try opened for it. */
interface ClaimedEntry {
  readonly row: CandidateRow;
  readonly try_id: number;
  readonly started_at: number;
}

type StepReply =
  | { readonly fallback: true; readonly reason: string }
  | {
      readonly results: readonly { readonly run_state: CompleteTryResult["runState"]; readonly queued: number }[];
      readonly claimed: readonly ClaimedEntry[];
      readonly claim_skipped: boolean;
    };
