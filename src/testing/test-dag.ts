/**
 * `testDag`: one DAG run, in memory, driven by a virtual clock. It goes through the real store
 * engine (an in-memory SQLite store: the same state machine, trigger rules, retry delays, mapping
 * and branching as production), while tasks run in this process, so mocks and spies work and
 * retries, backoff and timeouts cost no real time.
 */
import { InvalidInputError } from "../core/errors.js";
import type { TaskSpec } from "../core/types.js";
import type { Dag, TaskRef } from "../dsl/types.js";
import { register } from "../scheduler/dag-registry.js";
import { manualDataInterval } from "../scheduler/manual-interval.js";
import { triggeredRunId } from "../scheduler/run-ids.js";
import { openSqliteStore } from "../store/sqlite/open-sqlite-store.js";
import type { ClaimedTask, Store, StoredLogLine } from "../store/index.js";
import { runTryInProcess, type InProcessTry } from "./run-try.js";
import { scheduleEvents, type ScheduledEvent } from "./test-events.js";
import { tryCompletion } from "../worker/try-completion.js";
import { approvalOutcome } from "../worker/approval-wait.js";
import { answerApproval } from "../scheduler/answer-approval.js";
import { graphMayWait, stepRecord } from "../worker/step-record.js";
import { parseDuration } from "../core/duration.js";
import type {
  InjectedFailures,
  ScriptedTry,
  TaskMock,
  TestApproval,
  TestDagOptions,
  TestDagResult,
  TestLogLine,
  TestTaskInstance,
  TestTry,
} from "./types.js";
import { VirtualClock } from "./virtual-clock.js";
import { inProcessCode } from "../scheduler/dag-code.js";

const WORKER_ID = "testDag";

interface PendingTry {
  readonly claimed: ClaimedTask;
  readonly startedAt: number;
  readonly spec: TaskSpec;
  readonly done: Promise<InProcessTry>;
  settled?: InProcessTry;
}

/**
 * Runs one DAG run of `dag` to its end and reports what happened: each task instance's state,
 * result, tries (with their virtual timing and the waits before retries) and logs, and the
 * dataset events. Params are validated like `tributary run` does; unknown task ids in `mocks` or
 * `failures` are errors naming the DAG and the task.
 */
export async function testDag<P>(dag: Dag<P>, options: TestDagOptions<P> = {}): Promise<TestDagResult> {
  const subject = dag as unknown as Dag<unknown>;
  const file = `<testDag ${dag.id}>`;
  checkTaskIds(subject, options.mocks, "mocks");
  checkTaskIds(subject, options.failures, "failures");
  checkTaskIds(subject, options.approvals, "approvals");
  const { schedule } = register({ dag: dag as unknown as Dag, file, exportName: "default" });
  const logicalDate = options.logicalDate ?? subject.options.startDate ?? new Date().toISOString().slice(0, 10);
  const interval = manualDataInterval(schedule, logicalDate, subject.options.timezone, new Date());
  const params = subject.parseParams(options.params ?? {}) as Record<string, unknown>;
  // The run starts when its data interval has ended, as a scheduled run would.
  const clock = new VirtualClock(interval.end);
  const startedAt = clock.now();
  const events = scheduleEvents(options.events, startedAt);

  const store = openSqliteStore({ path: ":memory:" });
  try {
    const migrated = await store.migrate();
    if (migrated.error) throw migrated.error;
    await store.upsertDag({ dagId: dag.id, file, graph: subject.graph, now: clock.now() });
    const { run } = await store.createRun({
      runId: triggeredRunId(dag.id, "manual", interval.start),
      runType: "manual",
      graph: subject.graph,
      logicalDate: interval.start,
      dataIntervalStart: interval.start,
      dataIntervalEnd: interval.end,
      params,
      start: true,
      now: clock.now(),
    });
    const delays = await drive(store, subject, clock, options as TestDagOptions<unknown>, events);
    return await report(store, run.runId, clock.now().getTime() - startedAt.getTime(), delays);
  } finally {
    await store.close();
  }
}

/**
 * The loop: claim what is queued and run it; then let the earliest event happen in virtual time
 * (a try ending, a retry or a wait falling due, an event posted), until nothing is left. Returns
 * the retry delays the engine chose, by `instanceId:tryNumber` of the try they precede.
 */
async function drive(
  store: Store,
  dag: Dag<unknown>,
  clock: VirtualClock,
  options: TestDagOptions<unknown>,
  events: readonly ScheduledEvent[],
): Promise<Map<string, number>> {
  const concurrency = options.concurrency ?? 16;
  const specs = new Map(dag.graph.tasks.map((t) => [t.id, t]));
  const maxActiveTasks = new Map<string, number>();
  if (dag.options.maxActiveTasks !== undefined) maxActiveTasks.set(dag.id, dag.options.maxActiveTasks);
  // Sensors' pokes and sleeps (ctx.sleep) fall due in virtual time; a claim wakes them, as a worker's does.
  const waits = graphMayWait(dag.graph.tasks);
  const wakeDagIds = waits ? [dag.id] : undefined;
  const pending: PendingTry[] = [];
  const delays = new Map<string, number>();
  // Approvals waiting for the test's answer, with the virtual time it is given.
  const answers: PendingAnswer[] = [];
  const posts = [...events];
  for (;;) {
    await store.queueDueRetries(clock.now());
    const free = concurrency - pending.length;
    const claimed = free <= 0 ? [] : await store.claimNextTasks({ workerId: WORKER_ID, limit: free, dagIds: [dag.id], maxActiveTasks, wakeDagIds, now: clock.now() });
    for (const task of claimed) {
      const spec = specs.get(task.instance.taskId);
      if (!spec) throw new Error(`task "${task.instance.taskId}" is not in DAG "${dag.id}"`);
      const entry: PendingTry = { claimed: task, startedAt: clock.now().getTime(), spec, done: start(store, dag, spec, task, options, clock) };
      void entry.done.then((settled) => (entry.settled = settled));
      pending.push(entry);
    }
    // Tasks run concurrently in real time; their order in virtual time is decided once all have answered.
    for (const entry of pending) entry.settled ??= await entry.done;
    // The next timer: a retry falling due, or a sensor's next poke.
    const retryAt = (await store.nextRetryAt())?.getTime();
    const wakeAt = waits ? (await store.nextWakeAt({ dagIds: [dag.id] }))?.getTime() : undefined;
    const answerAt = answers.length === 0 ? undefined : Math.min(...answers.map((a) => a.at));
    // An event matters only while something is left to happen (a waiting task always has a wake-up: its deadline).
    const postAt = retryAt === undefined && wakeAt === undefined && pending.length === 0 ? undefined : posts[0]?.at;
    const timers = [retryAt, wakeAt, answerAt, postAt].filter((t): t is number => t !== undefined);
    const nextTimer = timers.length === 0 ? undefined : Math.min(...timers);
    const next = pending.reduce<PendingTry | undefined>((a, b) => (a === undefined || end(b) < end(a) ? b : a), undefined);
    if (next === undefined && nextTimer === undefined) break;
    if (next !== undefined && (nextTimer === undefined || end(next) <= nextTimer)) {
      pending.splice(pending.indexOf(next), 1);
      clock.advanceTo(end(next));
      const completed = await complete(store, dag, next, clock.now());
      if (completed.retryDelayMs !== undefined) delays.set(`${next.claimed.instance.id}:${next.claimed.tryNumber + 1}`, completed.retryDelayMs);
      const answer = options.approvals?.[next.spec.id];
      if (next.spec.kind === "approval" && completed.state === "deferred" && next.claimed.resumed !== true && answer !== undefined) {
        answers.push({ claimed: next.claimed, answer, at: clock.now().getTime() + (answer.after === undefined ? 0 : parseDuration(answer.after, { dagId: dag.id, taskId: next.spec.id, field: "approvals.after" })) });
      }
    } else if (nextTimer !== undefined) {
      clock.advanceTo(nextTimer);
      for (const due of answers.filter((a) => a.at <= clock.now().getTime())) {
        answers.splice(answers.indexOf(due), 1);
        await answer(store, dag, due, clock.now());
      }
      // Posted as POST /api/v1/events posts them: to the tasks waiting at that moment.
      while (posts[0] !== undefined && posts[0].at <= clock.now().getTime()) {
        const post = posts.shift() as ScheduledEvent;
        await store.steps.deliverEvent({ name: post.name, payloadJson: post.payloadJson, now: clock.now() });
      }
    }
  }
  return delays;
}

const end = (entry: PendingTry): number => entry.startedAt + (entry.settled?.virtualMs ?? 0);

async function start(
  store: Store,
  dag: Dag<unknown>,
  spec: TaskSpec,
  claimed: ClaimedTask,
  options: TestDagOptions<unknown>,
  clock: VirtualClock,
): Promise<InProcessTry> {
  const upstreamIds = [...new Set([...Object.values(spec.inputs), ...(spec.mapOver ? [spec.mapOver] : [])])];
  const results = await store.getTaskResults(claimed.run.runId, upstreamIds);
  const inputs: Record<string, unknown> = {};
  for (const [name, taskId] of Object.entries(spec.inputs)) inputs[name] = results.get(taskId) ?? null;
  const over = spec.mapOver === undefined ? undefined : results.get(spec.mapOver);
  const item = Array.isArray(over) && claimed.instance.mapIndex !== null ? (over[claimed.instance.mapIndex] as unknown) : undefined;
  // No code runs for an approval: it waits for the test's answer (worker/approval-wait.ts).
  if (spec.kind === "approval") return { outcome: approvalOutcome(spec, claimed), virtualMs: 0, logs: [] };
  const mock: TaskMock<unknown> | undefined = options.mocks?.[spec.id];
  // A sensor's poke is told the virtual time and its input datasets' updates in the test's store.
  const poke = spec.kind === "sensor" ? { at: clock.now(), datasetUpdates: await store.lineage.lastDatasetUpdates(spec.inputDatasets) } : undefined;
  const steps = claimed.tryNumber > 1 || claimed.resumed === true ? await store.steps.list(claimed.instance.id) : [];
  return runTryInProcess({
    poke,
    dag,
    spec,
    claimed,
    inputs,
    item,
    mock,
    scripted: scriptedTry(options.failures?.[spec.id], claimed.tryNumber),
    secrets: options.secrets ?? {},
    realTimeLimitMs: options.realTimeLimitMs ?? 10_000,
    steps,
    // Recorded as the worker records them: refused once the try no longer owns its instance.
    recordStep: async (step) => {
      const recorded = await store.steps.record(stepRecord(claimed, step));
      if (!recorded) throw new Error(`step ${step.number} "${step.name}" was not recorded: try ${claimed.tryNumber} no longer owns its task instance`);
    },
    now: () => clock.now(),
  });
}

interface PendingAnswer {
  readonly claimed: ClaimedTask;
  readonly answer: TestApproval;
  /** The virtual time it is given. */
  readonly at: number;
}

/** The test's answer to an approval, by the API's path (scheduler/answer-approval.ts): checked against its form, recorded, audited. */
async function answer(store: Store, dag: Dag<unknown>, pending: PendingAnswer, now: Date): Promise<void> {
  const { instance } = pending.claimed;
  await answerApproval(store, dag, inProcessCode(dag), {
    runId: instance.runId,
    taskId: instance.taskId,
    mapIndex: instance.mapIndex,
    ...("answer" in pending.answer ? { decision: "approve" as const, answer: pending.answer.answer } : { decision: "reject" as const, comment: pending.answer.reject }),
    actor: pending.answer.by ?? "test",
    now,
  });
}

/** Records a try's log and outcome in the store; resolves to the state it left and the retry delay it scheduled, if any. */
async function complete(store: Store, dag: Dag<unknown>, entry: PendingTry, now: Date): Promise<{ state: string; retryDelayMs: number | undefined }> {
  const { claimed } = entry;
  const settled = entry.settled ?? (await entry.done);
  const started = new Date(entry.startedAt);
  const lines: Omit<StoredLogLine, "id">[] = settled.logs.map((line) => ({ at: started, ...line }));
  if (!settled.outcome.ok) {
    const { error } = settled.outcome;
    lines.push({ at: now, stream: "log", level: "error", message: `try ${claimed.tryNumber} failed (${error.kind}): ${error.stack ?? error.message}` });
  }
  await store.appendLogs(claimed.tryId, lines);
  const { outcome } = settled;
  const result = await store.completeTry({
    taskInstanceId: claimed.instance.id,
    tryNumber: claimed.tryNumber,
    ...tryCompletion(outcome, entry.spec.kind),
    emitted: outcome.emitted,
    graph: dag.graph,
    now,
  });
  return { state: result.state, retryDelayMs: result.nextRetryAt === null ? undefined : result.nextRetryAt.getTime() - now.getTime() };
}

function scriptedTry(failures: InjectedFailures | undefined, tryNumber: number): ScriptedTry {
  if (failures === undefined) return "run";
  if (typeof failures === "number") return tryNumber <= failures ? "fail" : "run";
  return failures[tryNumber - 1] ?? "run";
}

function checkTaskIds(dag: Dag<unknown>, byTask: Readonly<Record<string, unknown>> | undefined, field: string): void {
  const known = new Set(dag.graph.tasks.map((t) => t.id));
  for (const taskId of Object.keys(byTask ?? {})) {
    if (!known.has(taskId)) {
      throw new InvalidInputError(`testDag: ${field} names task "${taskId}", which is not in DAG "${dag.id}" (tasks: ${[...known].join(", ")})`, {
        dagId: dag.id,
        taskId,
        field,
      });
    }
  }
}

async function report(store: Store, runId: string, elapsedMs: number, delays: ReadonlyMap<string, number>): Promise<TestDagResult> {
  const run = await store.getRun(runId);
  if (!run) throw new Error(`DAG run ${runId} disappeared from the test store`);
  const instances: TestTaskInstance[] = [];
  for (const ti of await store.listTaskInstances(runId)) {
    const tries: TestTry[] = [];
    let previousEnd: Date | null = null;
    for (const t of await store.listTries(ti.id)) {
      const { lines } = await store.readLogs({ runId, taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: t.tryNumber });
      const endedAt = t.endedAt ?? t.startedAt;
      const waitedMs = delays.get(`${ti.id}:${t.tryNumber}`) ?? (previousEnd === null ? 0 : t.startedAt.getTime() - previousEnd.getTime());
      tries.push({
        tryNumber: t.tryNumber,
        outcome: t.outcome === "success" ? "success" : "failed",
        error: t.error,
        errorKind: t.errorKind,
        startedAt: t.startedAt,
        endedAt,
        waitedMs,
        logs: lines.map(({ at, level, stream, message }) => ({ at, level, stream, message })),
      });
      previousEnd = endedAt;
    }
    const steps = (await store.steps.list(ti.id)).map(({ number, name, kind, tryNumber, resultJson, startedAt, endedAt, waiting }) => ({
      number,
      name,
      kind,
      tryNumber,
      result: JSON.parse(resultJson) as unknown,
      startedAt,
      endedAt,
      ...(kind === "event" ? { waiting: waiting === true } : {}),
    }));
    instances.push({ taskId: ti.taskId, mapIndex: ti.mapIndex, state: ti.state, result: ti.result, error: ti.error, pokes: ti.pokes, tries, steps });
  }
  const taskIds = [...new Set(instances.map((i) => i.taskId))];
  const results = await store.getTaskResults(runId, taskIds);
  const states: Record<string, TestTaskInstance["state"]> = {};
  for (const instance of instances) states[instance.taskId] ??= instance.state;
  const datasetEvents = (await store.listDatasetEvents({ runId })).map((e) => ({ uri: e.uri, taskId: e.taskId, at: e.at, metadata: e.metadata }));

  const idOf = (task: string | TaskRef<unknown>): string => (typeof task === "string" ? task : task.id);
  const instancesOf = (task: string | TaskRef<unknown>): TestTaskInstance[] => {
    const id = idOf(task);
    const found = instances.filter((i) => i.taskId === id);
    if (found.length === 0) throw new InvalidInputError(`no task "${id}" in DAG run ${runId} (tasks: ${taskIds.join(", ")})`, { dagId: run.dagId, taskId: id });
    return found;
  };
  const tries = (task: string | TaskRef<unknown>): TestTry[] => instancesOf(task).flatMap((i) => i.tries);
  return {
    dagId: run.dagId,
    runId,
    state: run.state,
    logicalDate: run.logicalDate,
    dataInterval: { start: run.dataIntervalStart, end: run.dataIntervalEnd },
    dagVersion: run.dagVersion,
    instances,
    states,
    datasetEvents,
    elapsedMs,
    task: (task) => instancesOf(task)[0] as TestTaskInstance,
    resultOf: <T>(task: TaskRef<T> | string): T => {
      instancesOf(task);
      return results.get(idOf(task)) as T;
    },
    tries,
    retryWaits: (task) => tries(task).filter((t) => t.tryNumber > 1).map((t) => t.waitedMs),
    logs: (task, tryNumber?: number): TestLogLine[] =>
      tries(task)
        .filter((t) => tryNumber === undefined || t.tryNumber === tryNumber)
        .flatMap((t) => t.logs),
  };
}
