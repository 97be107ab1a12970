/**
 * What a dialect's one-call step covers (issue 17), decided before it is called and the same on
 * every dialect: a batch of up to 500 successes (the outcomes a worker commits together), each of
 * a plain task (`task`, `shell`, or a mapped task's instance) that has no cache, no datasets to
 * record and no branch to choose, and whose downstream tasks all wait for all_success and have
 * nothing to expand, with at most a million characters of log lines, claimed for a worker with no
 * DAG limits. `stepCall` turns such a step into the call both implementations take
 * (postgres/step-function.ts as its function's argument, with the claim's lists of DAGs named by
 * a registered key, sqlite/step-function.ts as is), and
 * `claimedTask` turns a row either claimed back into what the statements' claim returns.
 */
import { assertRunTransition, assertTaskTransition, isTerminalTaskState, TASK_TRANSITIONS } from "../../../core/state-machine.js";
import type { TaskKind, TaskState } from "../../../core/types.js";
import type { ClaimedTask, ClaimRequest, CompleteTryInput, CompleteTryResult } from "../../contract/store.js";
import { storedResultJson } from "../../contract/stored-result.js";
import { indexGraph } from "../../../core/graph-index.js";
import { instanceFromRow } from "./rows.js";
import { splitCandidate, type CandidateRow } from "../tries/claim.js";
import { logRows } from "../tries/insert-logs.js";
import type { StepDeclined } from "./step-function.js";
import { limitedDagsOf, wakeDagsOf } from "./claim-dags.js";

// The state moves a one-call step makes, checked against the state machine once, when this module
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
export const NOT_COVERED: StepDeclined = { declined: "not covered" };

/** The call for a step a one-call step covers, or undefined (see the header). */
export function stepCall(inputs: readonly CompleteTryInput[], claim: ClaimRequest | undefined): StepCall | undefined {
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
            wake: wakeDagsOf(claim),
          },
    logs,
  };
}

/** One outcome as a one-call step takes it, if it is a success it covers. */
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
  return limitedDagsOf(claim).length === 0;
}

/** A success as the statements' path reports it, with its run's state and what its run queued. */
export function successResult(runState: CompleteTryResult["runState"], queued: number): CompleteTryResult {
  return { state: "success", nextRetryAt: null, runState, queued, applied: true };
}

/** A claimed row as the statements' claim hands it on: the row as read, with the try it opened. */
export function claimedTask(claim: ClaimRequest): (entry: ClaimedEntry) => ClaimedTask {
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

/** A one-call step's work (PostgreSQL's function takes it as `stepArgument` makes it: postgres/step-function.ts). */
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
    /** DAGs among `dags` whose due waits fill slots left over (the step leaves the claim if one is due). */
    readonly wake: readonly string[];
  } | null;
  readonly logs: ReturnType<typeof logRows>;
}

/** A claimed row (the claim's columns, as sql/tries/claim.ts reads them), with the try opened for it. */
export interface ClaimedEntry {
  readonly row: CandidateRow;
  readonly try_id: number;
  readonly started_at: number;
}
