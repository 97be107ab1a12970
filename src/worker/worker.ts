/**
 * A worker: claims queued task instances from the store, runs each try (in the runner of its task's isolation) with a
 * concurrency limit, streams its log into the store, and records the outcome (which, in the same
 * transaction, queues whatever became ready downstream).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { TaskSpec } from "../core/types.js";
import type { DagStructure } from "../dsl/dag-shape.js";
import type { ClaimedTask, ClaimRequest, CompleteTryInput, CompleteTryResult, Store, StoredLogLine } from "../store/index.js";
import type { TaskRunner } from "./task-runner.js";
import type { LogLine, RecordStep, TaskRunOutcome, TaskRunRequest } from "./task-protocol.js";
import { ServiceLoop } from "../runtime/service-loop.js";
import { isTransientStoreError } from "../store/index.js";
import { createMasker, NO_MASK, type Masker } from "../secrets/mask.js";
import type { SecretResolver } from "../secrets/resolver.js";
import { createSecretResolver } from "../secrets/secret-config.js";
import { maskOutcome } from "./mask-outcome.js";
import { taskRunRequest } from "./task-request.js";
import { CompletionBatcher } from "./completion-batch.js";
import { tryCompletion } from "./try-completion.js";
import { approvalOutcome } from "./approval-wait.js";
import { graphMayWait, stepRecord } from "./step-record.js";
import { MappedItemLoader } from "./mapped-item-loader.js";
import { TaskResultsLoader } from "./task-results-loader.js";
import { handOnResults, upstreamResultIds, type HandedOnResults } from "./handed-on-results.js";
import { completedCacheNote, lookUpCachedResult } from "./result-cache-lookup.js";
import type { TryCacheNote } from "../store/index.js";
import { specOf } from "../core/graph-index.js";

/** A DAG this process can run: its definition and the file it came from. */
export interface RunnableDag {
  readonly dag: DagStructure;
  readonly file: string;
}

export interface WorkerOptions {
  readonly store: Store;
  /** Runs the tries: task-runners.ts picks the runner of each task's isolation. */
  readonly pool: TaskRunner;
  /**
   * The DAGs this worker can run, by id; it claims only their task instances. A change of them
   * (a DAG added or removed, its limits or tasks changed) must come as a new map, never as a change
   * of the one returned before: the worker works out its claims' lists once per map (#servedDags),
   * as the registry hands out a new map at every change (scheduler/dag-registry.ts).
   */
  readonly dags: () => ReadonlyMap<string, RunnableDag>;
  readonly concurrency: number;
  /** Serve only these queues (default: all). */
  readonly queues?: readonly string[];
  readonly workerId?: string;
  /** Longest idle wait before looking for work again (the fallback to being woken). */
  readonly pollIntervalMs?: number;
  /** How often running tries are reported alive (see the scheduler's zombie detection). */
  readonly heartbeatMs?: number;
  /**
   * The lease: if no heartbeat has reached the store for this long, the scheduler treats this
   * worker's tries as zombies and retries them elsewhere, so the worker cancels them itself
   * (through `ctx.signal`, then a kill) rather than let them run twice. Default: no lease.
   */
  readonly leaseMs?: number;
  /** How many tries of a task instance lost to infrastructure are retried without counting (default 3, core/lost-tries.ts). */
  readonly lostTryRetries?: number;
  readonly now?: () => Date;
  /** Called after each try is recorded (for progress output and tests), with what recording it did. */
  readonly onTryFinished?: (claimed: ClaimedTask, outcome: TaskRunOutcome, recorded: CompleteTryResult) => void;
  readonly onError?: (error: unknown) => void;
  /** Where the secrets tasks declare come from (default: environment, TRIBUTARY_SECRETS_DIR, the store with TRIBUTARY_SECRET_KEY). */
  readonly secrets?: SecretResolver;
}

const LOG_FLUSH_MS = 250;
/** The shortest sleep before a due poke: a wake-up time this close is as good as now. */
const MIN_WAKE_SLEEP_MS = 5;

const waitingDags = new WeakMap<DagStructure, boolean>();

/** Whether a DAG's task instances can wait (step-record.ts); asked on every claim, so remembered per DAG object. */
function mayWait(dag: DagStructure): boolean {
  let found = waitingDags.get(dag);
  if (found === undefined) {
    found = graphMayWait(dag.graph.tasks);
    waitingDags.set(dag, found);
  }
  return found;
}

/** The parts of a claim that come from the worker's DAGs (see #servedDags), and the map they came from. */
interface ServedDags {
  readonly of: ReadonlyMap<string, RunnableDag>;
  readonly dagIds: readonly string[];
  readonly maxActiveTasks: ReadonlyMap<string, number>;
  readonly wakeDagIds: readonly string[];
}

/** Why a try was stopped when the fault is the infrastructure's: its outcome is recorded as `lost`. */
class TryLostError extends Error {}

export class Worker {
  readonly workerId: string;
  readonly #options: WorkerOptions;
  readonly #loop: ServiceLoop;
  readonly #active = new Set<Promise<void>>();
  /**
   * The tries in progress by task instance id: their claims (whose outcome is whose, #claimedAlong),
   * and the controllers that cancel them (heartbeats, leases).
   */
  readonly #running = new Map<number, { readonly claimed: ClaimedTask; readonly controller: AbortController }>();
  #lastHeartbeatOk = Date.now();
  #heartbeat: NodeJS.Timeout | undefined;
  #warmedUp = false;
  /** Slots being claimed right now (a claim in flight), so two claims never take the same slot. */
  #reserved = 0;
  /**
   * Tries whose outcome a batch has recorded, with a claim riding along that counted their slots as
   * freed, until their `#execute` returns and they leave `#active` (a few turns of the event loop
   * later). Their slots are already taken by what that claim started: counting them as busy too
   * made the next batch's claim short (sometimes none), and the worker then claimed those slots
   * in transactions of its own.
   */
  readonly #ending = new Set<number>();
  #unsubscribe: Promise<() => Promise<void>> | undefined;
  #defaultSecrets: SecretResolver | undefined;
  /** Outcomes of tries that end together are recorded in one transaction. */
  readonly #completions: CompletionBatcher;
  readonly #mappedItems: MappedItemLoader;
  readonly #taskResults: TaskResultsLoader;
  /** Task instances whose outcome's claim already looked for more work (see #claimedAlong). */
  readonly #lookedAfter = new Set<number>();
  #served: ServedDags | undefined;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#mappedItems = new MappedItemLoader(options.store);
    this.#taskResults = new TaskResultsLoader(options.store);
    this.#loop = new ServiceLoop(() => this.#claimOnce(), (error) => options.onError?.(error));
    // The next claim rides along with the completions: one commit for both, and a finished
    // task's successor goes straight to this worker. (Such a claim never waits for another
    // claimer's pool locks: sql/tries/claim.ts.)
    this.#completions = new CompletionBatcher(options.store, {
      request: (freed) => this.#claimAlong(freed),
      done: (request, claimed, outcomes, recorded) => this.#claimedAlong(request, claimed, outcomes, recorded),
    });
  }

  start(): void {
    if (this.#loop.running) return;
    this.#loop.start();
    // Woken as soon as any process queues work (LISTEN/NOTIFY on PostgreSQL); polling stays the fallback.
    this.#unsubscribe = this.#options.store.onTasksQueued(() => this.#loop.wake());
    this.#unsubscribe.catch((error: unknown) => this.#options.onError?.(error));
    const now = this.#options.now ?? (() => new Date());
    this.#heartbeat = setInterval(() => {
      if (this.#running.size === 0) {
        this.#lastHeartbeatOk = Date.now();
        return;
      }
      // Checked on every beat, whether the last heartbeat failed or is still hanging.
      const lease = this.#options.leaseMs;
      if (lease !== undefined && Date.now() - this.#lastHeartbeatOk > lease) {
        for (const { controller } of this.#running.values()) {
          controller.abort(new TryLostError("the worker lost its lease: no heartbeat reached the store"));
        }
      }
      const sentAt = Date.now();
      const ids = [...this.#running.keys()];
      this.#options.store
        .heartbeat(this.workerId, ids, now())
        .then((owned) => {
          this.#lastHeartbeatOk = sentAt;
          // A try that is no longer ours was failed as a zombie (our heartbeats came too late) and
          // will be retried: stop it, or the task would run twice at once. (One that has just
          // finished is no longer ours either; aborting it then changes nothing.)
          const stillOwned = new Set(owned);
          for (const id of ids) {
            if (!stillOwned.has(id)) this.#running.get(id)?.controller.abort(new Error("the try is no longer this worker's: failed as a zombie, or its run cancelled or its task marked by an operator"));
          }
        })
        .catch((error: unknown) => this.#options.onError?.(error));
    }, this.#options.heartbeatMs ?? 10_000);
    this.#heartbeat.unref();
  }

  /** Look for work now (something was queued in this process). */
  wake(): void {
    this.#loop.wake();
  }

  /** Stops claiming and waits for the tries in progress to be recorded. */
  async stop(): Promise<void> {
    await this.#loop.stop();
    // A claim riding along with a last outcome may still start tries: wait for those too.
    while (this.#active.size > 0) await Promise.all(this.#active);
    clearInterval(this.#heartbeat);
    const unsubscribe = await this.#unsubscribe?.catch(() => undefined);
    await unsubscribe?.();
  }

  get activeTries(): number {
    return this.#active.size;
  }

  /** Claims what fits in the free slots; resolves to how long to sleep before looking again. */
  async #claimOnce(): Promise<number> {
    const { store, concurrency } = this.#options;
    const now = this.#options.now ?? (() => new Date());
    const idleMs = this.#options.pollIntervalMs ?? 1_000;
    if (!this.#warmedUp) {
      // Start the pool's first processes (its `warmProcesses`) and load the DAG files before
      // claiming, so that the first tries' recorded start and duration do not include starting Node.
      this.#warmedUp = true;
      const dags = [...this.#options.dags().values()];
      const files = [...new Set(dags.map((d) => d.file))];
      const isolations = new Set(dags.flatMap(({ dag }) => dag.graph.tasks.map((task) => task.isolation ?? "process")));
      await this.#options.pool.warmUp(files, isolations).catch((error: unknown) => this.#options.onError?.(error));
    }
    const free = concurrency - this.#busySlots() - this.#reserved;
    if (free <= 0) return idleMs;
    this.#reserved += free;
    let claimed: ClaimedTask[];
    try {
      claimed = await store.claimNextTasks(this.#claimRequest(free, now()));
    } finally {
      this.#reserved -= free;
    }
    this.#startClaimed(claimed);
    if (claimed.length > 0 && this.#busySlots() < concurrency) return 0;
    // Idle with waits (sensors, sleeps): look again when the next is due (claims wake them).
    const request = claimed.length === 0 ? this.#claimRequest(0, now()) : undefined;
    if (!request?.wakeDagIds) return idleMs;
    const next = await store.nextWakeAt({ dagIds: request.wakeDagIds, queues: this.#options.queues });
    return next === undefined ? idleMs : Math.min(idleMs, Math.max(MIN_WAKE_SLEEP_MS, next.getTime() - now().getTime()));
  }

  #claimRequest(limit: number, at: Date): ClaimRequest {
    const { dagIds, maxActiveTasks, wakeDagIds } = this.#servedDags();
    return {
      workerId: this.workerId,
      limit,
      dagIds,
      queues: this.#options.queues,
      maxActiveTasks,
      // Free slots are filled with due waits: sensors' pokes, sleeps that are over (left out when no DAG can wait: no cost then).
      ...(wakeDagIds.length > 0 ? { wakeDagIds } : {}),
      now: at,
    };
  }

  /**
   * What a claim says of the worker's DAGs, worked out again only when they change (the registry
   * hands out a new map then): with 3,000 DAGs, every claim made these lists anew.
   */
  #servedDags(): ServedDags {
    const dags = this.#options.dags();
    if (this.#served?.of === dags) return this.#served;
    const maxActiveTasks = new Map<string, number>();
    for (const [dagId, { dag }] of dags) {
      if (dag.options.maxActiveTasks !== undefined) maxActiveTasks.set(dagId, dag.options.maxActiveTasks);
    }
    // Any function task may call ctx.sleep, so any DAG with one may have waits to wake; a DAG of
    // shell tasks only has waits if it has sensors.
    const wakeDagIds = [...dags].filter(([, { dag }]) => mayWait(dag)).map(([dagId]) => dagId);
    this.#served = { of: dags, dagIds: [...dags.keys()], maxActiveTasks, wakeDagIds };
    return this.#served;
  }

  /**
   * The claim that rides along with recording `freed` outcomes (see completion-batch.ts): the
   * slots they free, taken in the same transaction, which saves the claim its own commit and
   * hands a finished task's successor (queued by the same transaction) straight to this worker.
   * None while stopping.
   */
  #claimAlong(freed: number): ClaimRequest | undefined {
    if (!this.#loop.running || !this.#warmedUp) return undefined;
    const limit = this.#options.concurrency - this.#busySlots() - this.#reserved + freed;
    if (limit <= 0) return undefined;
    this.#reserved += limit;
    return this.#claimRequest(limit, (this.#options.now ?? (() => new Date()))());
  }

  /** Slots taken: tries running, less those whose outcome is recorded and whose slot a claim took (#ending). */
  #busySlots(): number {
    return this.#active.size - this.#ending.size;
  }

  #claimedAlong(request: ClaimRequest, claimed: readonly ClaimedTask[], outcomes: readonly CompleteTryInput[], recorded: readonly CompleteTryResult[]): void {
    this.#reserved -= request.limit;
    for (const outcome of outcomes) if (this.#running.has(outcome.taskInstanceId)) this.#ending.add(outcome.taskInstanceId);
    // A claim that came back short found nothing more of ours queued at that moment: the tries
    // it rode along with need not wake the loop to look again (new work wakes it when queued).
    // On a busy SQLite worker that saves a write transaction per batch of outcomes.
    // (A deferred poke still wakes it: the loop's sleep must now end at the sensor's next poke.)
    if (claimed.length < request.limit) {
      for (const outcome of outcomes) if (outcome.outcome !== "deferred") this.#lookedAfter.add(outcome.taskInstanceId);
    }
    // A successor takes its upstream's result from the outcome just recorded (handed-on-results.ts).
    const handedOn = handOnResults(
      claimed,
      outcomes.flatMap((input, i) => {
        const task = this.#running.get(input.taskInstanceId)?.claimed;
        const result = recorded[i];
        return task && result ? [{ claimed: task, input, result }] : [];
      }),
      (task) => specOf(this.#options.dags().get(task.instance.dagId)?.dag.graph, task.instance.taskId),
    );
    this.#startClaimed(claimed, handedOn);
  }

  #startClaimed(claimed: readonly ClaimedTask[], handedOn?: ReadonlyMap<number, HandedOnResults>): void {
    for (const task of claimed) {
      this.#running.set(task.instance.id, { claimed: task, controller: new AbortController() });
      const done: Promise<void> = this.#execute(task, handedOn?.get(task.instance.id))
        .catch((error: unknown) => this.#options.onError?.(error))
        .finally(() => {
          // A wait resumed by the claim riding along with this try's own deferred outcome runs
          // under the same instance id by now: its entry is not this try's to remove.
          if (this.#running.get(task.instance.id)?.claimed === task) this.#running.delete(task.instance.id);
          this.#ending.delete(task.instance.id);
          this.#active.delete(done);
          if (!this.#lookedAfter.delete(task.instance.id)) this.#loop.wake();
        });
      this.#active.add(done);
    }
  }

  /** `handedOn`: the upstream results this try reads that were recorded with its claim (handed-on-results.ts). */
  async #execute(claimed: ClaimedTask, handedOn?: HandedOnResults): Promise<void> {
    const { store, pool } = this.#options;
    const now = this.#options.now ?? (() => new Date());
    const runnable = this.#options.dags().get(claimed.instance.dagId);
    const spec = specOf(runnable?.dag.graph, claimed.instance.taskId);
    let outcome: TaskRunOutcome;
    let cacheNote: TryCacheNote | undefined;
    // The try's secret values, hidden in everything of the try that is stored.
    let masker: Masker = NO_MASK;
    const buffer: Omit<StoredLogLine, "id">[] = [];
    const flush = async () => {
      const lines = buffer.slice();
      await store.appendLogs(claimed.tryId, lines);
      buffer.splice(0, lines.length);
    };
    let flushing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      flushing = flushing.then(flush).catch((error: unknown) => this.#options.onError?.(error));
    }, LOG_FLUSH_MS);
    try {
      if (!runnable || !spec) {
        outcome = failure(`task "${claimed.instance.taskId}" is not in DAG "${claimed.instance.dagId}" as loaded by this worker`);
      } else if (spec.kind === "approval") {
        // No code runs: the approval starts to wait for its answer, or has met its deadline.
        outcome = approvalOutcome(spec, claimed);
      } else {
        // Reading the upstream results may meet the database away: wait for it like the outcome
        // does below, rather than drop a claimed try (it would stay `running` until the zombie sweep).
        const request = await this.#persist(() => this.#buildRequest(claimed, runnable, spec, handedOn));
        masker = createMasker(Object.values(request.secrets));
        const onLog = (line: LogLine) => {
          buffer.push({ at: new Date(line.at), stream: line.stream, level: line.level, message: masker.text(line.message) });
        };
        const signal = this.#running.get(claimed.instance.id)?.controller.signal;
        // A task with a `cache` option first looks for its stored result (result-cache-lookup.ts).
        const cached = spec.cacheTtlMs === undefined ? undefined : await lookUpCachedResult({ store, pool, request, onLog, signal, masker, now });
        outcome = cached?.outcome ?? (await pool.run(request, onLog, signal, this.#stepRecorder(claimed, masker)));
        if (spec.cacheTtlMs !== undefined) cacheNote = completedCacheNote(cached?.note, outcome, spec.cacheTtlMs, now());
        if (outcome.ok && spec.kind === "branch") outcome = checkBranchChoice(outcome, runnable.dag, spec);
        // Stopped because this worker lost its lease: the try was lost, not failed by the task.
        const reason = this.#running.get(claimed.instance.id)?.controller.signal.reason as unknown;
        if (!outcome.ok && reason instanceof TryLostError) outcome = { ...outcome, error: { kind: "lost", message: outcome.error.message } };
        outcome = maskOutcome(outcome, masker);
      }
      if (!outcome.ok) {
        // The error that ended the try belongs in its log, as the last thing it says.
        const detail = outcome.error.stack ?? outcome.error.message;
        buffer.push({ at: now(), stream: "log", level: "error", message: `try ${claimed.tryNumber} failed (${outcome.error.kind}): ${detail}` });
      }
    } finally {
      clearInterval(timer);
      await flushing;
    }
    const graph = runnable?.dag.graph ?? { dagId: claimed.instance.dagId, tasks: [] };
    // The lines not flushed yet go with the outcome, in its transaction: a try that logs pays no
    // transaction of its own for them (most tries end before the first flush).
    const lines = buffer.splice(0);
    // The outcome must not be lost if the database is away: keep trying until it is back.
    const recorded = await this.#persist(() => this.#completions.complete({
      taskInstanceId: claimed.instance.id,
      taskId: claimed.instance.taskId,
      tryNumber: claimed.tryNumber,
      // A sensor's poke that found nothing is a wait, not the end of the try.
      ...tryCompletion(outcome, spec?.kind),
      lostTryRetries: this.#options.lostTryRetries,
      emitted: outcome.emitted,
      ...(cacheNote === undefined ? {} : { cache: cacheNote }),
      logs: { tryId: claimed.tryId, lines },
      graph,
      now: now(),
    }));
    this.#options.onTryFinished?.(claimed, outcome, recorded);
  }

  /**
   * Retries a store write with backoff (0.25 s doubling to 10 s) until it succeeds, reporting each
   * failure. A try's outcome is recorded even if the database was away when the try ended; if
   * another worker reclaimed the try meanwhile (zombie sweep), the store ignores the late result.
   */
  async #persist<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1, delayMs = 250; ; attempt++, delayMs = Math.min(delayMs * 2, 10_000)) {
      try {
        return await write();
      } catch (error) {
        // A lost race (another process moved the row) settles on the next attempt; other
        // non-transient errors get a few attempts, an unreachable database as many as it takes.
        if (!isTransientStoreError(error) && attempt >= 3) throw error;
        this.#options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /**
   * Records each step the try completes (`ctx.step`) before the task goes on, waiting out a store
   * that is away like the outcome does; a try that no longer owns its instance is told so, and fails.
   */
  #stepRecorder(claimed: ClaimedTask, masker: Masker): RecordStep {
    return async (step) => {
      const resultJson = masker.active ? JSON.stringify(masker.value(JSON.parse(step.resultJson))) : step.resultJson;
      const recorded = await this.#persist(() =>
        this.#options.store.steps.record(stepRecord(claimed, step, resultJson)),
      );
      if (!recorded) {
        throw new Error(
          `step ${step.number} "${step.name}" was not recorded: try ${claimed.tryNumber} no longer owns its task instance ` +
            "(failed as a zombie, cancelled, or marked by an operator)",
        );
      }
    };
  }

  #secretResolver(): SecretResolver {
    this.#defaultSecrets ??= this.#options.secrets ?? createSecretResolver({ store: this.#options.store });
    return this.#defaultSecrets;
  }

  async #buildRequest(claimed: ClaimedTask, runnable: RunnableDag, spec: TaskSpec, handedOn?: HandedOnResults): Promise<TaskRunRequest> {
    const { run, instance } = claimed;
    // A mapped instance needs one element of what it maps over, not the whole list.
    const mapIndex = instance.mapIndex;
    const mapOver = mapIndex === null ? undefined : spec.mapOver;
    const upstreamIds = upstreamResultIds(spec, mapIndex);
    // (Most tasks that map over a list, and first tasks, read no upstream result: no query then;
    // nor do results handed on with the claim. The tries started together read theirs together.)
    const unread = upstreamIds.filter((id) => handedOn?.has(id) !== true);
    const results = unread.length === 0 ? new Map<string, unknown>() : await this.#taskResults.load(run.runId, unread);
    for (const id of upstreamIds) {
      const json = handedOn?.get(id);
      // Parsed for each task that takes it, as a read would: a task may change its inputs.
      if (json !== undefined) results.set(id, JSON.parse(json) as unknown);
    }
    const inputs: Record<string, unknown> = {};
    for (const [name, taskId] of Object.entries(spec.inputs)) inputs[name] = results.get(taskId) ?? null;
    const timezone = runnable.dag.options.timezone;
    const secrets = spec.secrets.length === 0 ? { values: {}, unavailable: {} } : await this.#secretResolver().resolve(spec.secrets);
    const item = mapOver !== undefined && mapIndex !== null ? await this.#mappedItems.load(run.runId, mapOver, mapIndex) : undefined;
    // A sensor is told when its input datasets were last updated (a task process has no store).
    const poke = spec.kind !== "sensor"
      ? undefined
      : {
          at: (this.#options.now ?? (() => new Date()))(),
          datasetUpdates: spec.inputDatasets.length === 0 ? new Map<string, Date>() : await this.#options.store.lineage.lastDatasetUpdates(spec.inputDatasets),
        };
    // Only a later try, or a resumed one (after a ctx.sleep), can have steps to replay (a clear
    // forgets them), and shell tasks have none.
    const replays = (claimed.tryNumber > 1 || claimed.resumed === true) && spec.kind !== "shell";
    const steps = replays ? await this.#options.store.steps.list(instance.id) : [];
    return taskRunRequest({ file: runnable.file, claimed, spec, timezone, inputs, item, secrets, poke, steps });
  }
}

function failure(message: string): TaskRunOutcome {
  return { ok: false, error: { kind: "error", message }, emitted: [] };
}

/** A branch may only choose among its direct downstream tasks; anything else fails the try. */
export function checkBranchChoice(outcome: TaskRunOutcome & { ok: true }, dag: DagStructure, spec: TaskSpec): TaskRunOutcome {
  const downstream = new Set(dag.graph.tasks.filter((t) => t.upstream.includes(spec.id)).map((t) => t.id));
  const chosen = Array.isArray(outcome.result) ? (outcome.result as unknown[]) : [];
  const unknown = chosen.filter((id) => typeof id !== "string" || !downstream.has(id));
  if (unknown.length === 0) return outcome;
  return failure(
    `branch "${spec.id}" chose ${unknown.map((id) => JSON.stringify(id)).join(", ")}, which is not a direct downstream task ` +
      `(choose among: ${[...downstream].join(", ") || "none"})`,
  );
}
