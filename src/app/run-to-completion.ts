/**
 * Runs one DAG run to completion inside this process: creates the run, then drives it with an
 * in-process worker (tasks still run in the isolated process pool) and the retry timer until the
 * run reaches a terminal state. What `tributary run` does.
 */
import { isTerminalRunState } from "../core/state-machine.js";
import type { Dag } from "../dsl/types.js";
import type { DagRunRecord, Store, TaskInstanceRecord } from "../store/index.js";
import { TaskRunners } from "../worker/task-runners.js";
import { WORKER_WARM_PROCESSES } from "../worker/process-pool.js";
import type { TaskRunOutcome } from "../worker/task-protocol.js";
import { Worker, type RunnableDag } from "../worker/worker.js";
import type { ClaimedTask, CompleteTryResult } from "../store/index.js";
import { register } from "../scheduler/dag-registry.js";
import { manualDataInterval } from "../scheduler/manual-interval.js";
import { createRetryTimer } from "../scheduler/retry-timer.js";
import { triggeredRunId } from "../scheduler/run-ids.js";

export interface RunToCompletionOptions {
  readonly store: Store;
  readonly dag: Dag;
  readonly file: string;
  /** `YYYY-MM-DD` or an ISO timestamp; default today. */
  readonly logicalDate?: string;
  /** Params already validated by `dag.parseParams`. */
  readonly params: Record<string, unknown>;
  /** How many tries may run at once (and the size of the process pool). */
  readonly concurrency?: number;
  /** Grace period before a timed-out try's process is killed. */
  readonly killGraceMs?: number;
  /**
   * How many task processes to start, with the DAG file loaded, before the first try is claimed
   * (default WORKER_WARM_PROCESSES, one). The others start when tries need them, while the run's
   * first tries wait and share the cores with each start (Node, tsx, the DAG file: about half a
   * CPU-second each). A run known to fan out wide can start its whole pool first:
   * `defaultProcessCount(concurrency)`. Processes beyond the warm ones end once idle (process-pool.ts).
   */
  readonly warmProcesses?: number;
  /**
   * DAGs the worker serves besides `dag`, as a service's worker serves every DAG of its folder and
   * names them all in each claim (bench/workloads/chain40.ts measures a chain's step with 3,000).
   */
  readonly alsoServes?: ReadonlyMap<string, RunnableDag>;
  /** After each try, and each sensor's poke that found nothing (`recorded.state` is then `deferred`). */
  readonly onTryFinished?: (claimed: ClaimedTask, outcome: TaskRunOutcome, recorded: CompleteTryResult) => void;
  readonly now?: () => Date;
}

export interface CompletedRun {
  readonly run: DagRunRecord;
  readonly instances: TaskInstanceRecord[];
}

export async function runToCompletion(options: RunToCompletionOptions): Promise<CompletedRun> {
  const { store, dag, file } = options;
  const now = options.now ?? (() => new Date());
  const { schedule, source } = register({ dag, file, exportName: dag.id });
  const interval = manualDataInterval(schedule, options.logicalDate, dag.options.timezone, now());
  await store.upsertDag({ dagId: dag.id, file, graph: dag.graph, now: now() });
  const runId = triggeredRunId(dag.id, "manual", interval.start);
  const { run } = await store.createRun({
    runId,
    runType: "manual",
    graph: dag.graph,
    logicalDate: interval.start,
    dataIntervalStart: interval.start,
    dataIntervalEnd: interval.end,
    params: options.params,
    source,
    start: true,
    now: now(),
  });

  const concurrency = options.concurrency ?? 4;
  const pool = new TaskRunners({ size: concurrency, killGraceMs: options.killGraceMs, warmProcesses: options.warmProcesses ?? WORKER_WARM_PROCESSES });
  const dags = new Map<string, RunnableDag>([...(options.alsoServes ?? []), [dag.id, { dag, file }]]);
  let finished: (() => void) | undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
    finished?.();
  };
  const checkRun = async () => {
    const current = await store.getRun(run.runId);
    if (!current || isTerminalRunState(current.state)) finished?.();
  };
  const timer = createRetryTimer({ store, now, onQueued: () => worker.wake(), onError });
  const worker = new Worker({
    store,
    pool,
    dags: () => dags,
    concurrency,
    now,
    onError,
    onTryFinished: (claimed, outcome, recorded) => {
      options.onTryFinished?.(claimed, outcome, recorded);
      // Only a failed try can have scheduled a retry for the timer to plan.
      if (!outcome.ok) timer.wake();
      // The completion says whether it ended the run; read the run only when it may have ended.
      if (!recorded.applied || isTerminalRunState(recorded.runState)) checkRun().catch(onError);
    },
  });
  try {
    worker.start();
    timer.start();
    await checkRun();
    await done;
  } finally {
    await worker.stop();
    await timer.stop();
    await pool.close();
  }
  if (failure !== undefined) throw failure;
  const final = await store.getRun(run.runId);
  if (!final) throw new Error(`DAG run ${run.runId} disappeared from the store`);
  return { run: final, instances: await store.listTaskInstances(run.runId) };
}
