/**
 * Drives one DAG run through a store the way a worker would (claim, complete), with a fake clock,
 * so tests read as "a fails, b succeeds" and then assert what the store recorded.
 */
import type { DagGraph, RunType, TaskState } from "../../src/core/types.js";
import type {
  ClaimedTask,
  CompleteTryResult,
  CreateRunInput,
  DatasetEventInput,
  Store,
  TaskInstanceRecord,
} from "../../src/store/index.js";

/** The suite's epoch: every `now` is an offset from it, so stored times are exact. */
export const T0 = Date.UTC(2024, 2, 1, 6, 0, 0);
export const at = (seconds: number): Date => new Date(T0 + seconds * 1_000);

let runCounter = 0;
export const newRunId = (): string => `run-${process.pid}-${++runCounter}`;

export interface RunOptions {
  readonly runId?: string;
  readonly runType?: RunType;
  readonly logicalDate?: Date;
  readonly start?: boolean;
  readonly now?: Date;
  readonly params?: Record<string, unknown>;
}

export function runInput(graph: DagGraph, options: RunOptions = {}): CreateRunInput {
  const logicalDate = options.logicalDate ?? new Date(Date.UTC(2024, 2, 1));
  return {
    runId: options.runId ?? newRunId(),
    runType: options.runType ?? "manual",
    graph,
    logicalDate,
    dataIntervalStart: logicalDate,
    dataIntervalEnd: new Date(logicalDate.getTime() + 86_400_000),
    params: options.params ?? {},
    start: options.start ?? true,
    now: options.now ?? at(0),
  };
}

/** `taskId` for an unmapped instance, `taskId[i]` for map index i. */
export const keyOf = (ti: { readonly taskId: string; readonly mapIndex: number | null }): string =>
  ti.mapIndex === null ? ti.taskId : `${ti.taskId}[${ti.mapIndex}]`;

export class RunDriver {
  readonly claimed = new Map<string, ClaimedTask>();

  private constructor(
    readonly store: Store,
    readonly graph: DagGraph,
    readonly runId: string,
  ) {}

  /** Creates and starts a manual run of `graph` at `at(0)`. */
  static async start(store: Store, graph: DagGraph, options: RunOptions = {}): Promise<RunDriver> {
    const { run } = await store.createRun(runInput(graph, options));
    return new RunDriver(store, graph, run.runId);
  }

  /** Claims every queued instance of this DAG; returns their keys, sorted. */
  async claim(now: Date = at(1), workerId = "worker-1"): Promise<string[]> {
    const claims = await this.store.claimNextTasks({ workerId, limit: 1_000, dagIds: [this.graph.dagId], now });
    const keys: string[] = [];
    for (const c of claims) {
      if (c.run.runId !== this.runId) throw new Error(`claimed an instance of another run: ${c.run.runId}`);
      keys.push(keyOf(c.instance));
      this.claimed.set(keyOf(c.instance), c);
    }
    return keys.sort();
  }

  claimOf(key: string): ClaimedTask {
    const claim = this.claimed.get(key);
    if (!claim) throw new Error(`"${key}" has not been claimed`);
    return claim;
  }

  /** Completes the latest claimed try of `key`; throws when the store did not apply it. */
  async complete(
    key: string,
    outcome: "success" | "failed",
    options: { result?: unknown; error?: string; emitted?: readonly DatasetEventInput[]; now?: Date } = {},
  ): Promise<CompleteTryResult> {
    const claim = this.claimOf(key);
    const result = await this.store.completeTry({
      taskInstanceId: claim.instance.id,
      taskId: claim.instance.taskId,
      tryNumber: claim.tryNumber,
      outcome,
      result: options.result,
      error: options.error ?? (outcome === "failed" ? `${key} failed` : undefined),
      errorKind: outcome === "failed" ? "error" : undefined,
      emitted: options.emitted,
      graph: this.graph,
      now: options.now ?? at(2),
      random: () => 0.5,
    });
    if (!result.applied) throw new Error(`completing "${key}" was not applied`);
    return result;
  }

  succeed(key: string, result?: unknown, now?: Date): Promise<CompleteTryResult> {
    return this.complete(key, "success", { result, now });
  }

  fail(key: string, now?: Date): Promise<CompleteTryResult> {
    return this.complete(key, "failed", { now });
  }

  async instances(): Promise<Map<string, TaskInstanceRecord>> {
    const list = await this.store.listTaskInstances(this.runId);
    return new Map(list.map((ti) => [keyOf(ti), ti]));
  }

  async instance(key: string): Promise<TaskInstanceRecord> {
    const ti = (await this.instances()).get(key);
    if (!ti) throw new Error(`no task instance "${key}" in run ${this.runId}`);
    return ti;
  }

  /** The state of every task instance, by key. */
  async states(): Promise<Record<string, TaskState>> {
    const out: Record<string, TaskState> = {};
    for (const [key, ti] of await this.instances()) out[key] = ti.state;
    return out;
  }

  async runState(): Promise<string | undefined> {
    return (await this.store.getRun(this.runId))?.state;
  }
}
