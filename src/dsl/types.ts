/**
 * The public types of DAG definitions: what `dag()`, `d.task`, `d.shell`, `d.branch` and `d.map`
 * take and return. The option names here are the contract of docs/architecture.md §1 that examples, docs and
 * tests share.
 */
import type { z, ZodType } from "zod";
import type { AlertPolicySpec, Backoff, DagGraph, DataInterval, Isolation, TriggerRule } from "../core/types.js";
import type { CalendarOption } from "../core/run-calendar.js";

/** Marks DAG and dataset objects so that they are recognised across module copies (src vs dist). */
export const DAG_BRAND = Symbol.for("tributary.dag");
export const DATASET_BRAND = Symbol.for("tributary.dataset");
export const TASK_REF_BRAND = Symbol.for("tributary.task-ref");

/** A duration: `"500ms"`, `"30s"`, `"15m"`, `"1h"`, `"1h30m"`, `"2d"`, or a number of milliseconds. */
export type Duration = string | number;

/** A named piece of data (URI) that tasks read and write. */
export interface Dataset {
  readonly [DATASET_BRAND]: true;
  readonly uri: string;
}

/**
 * A handle on a task defined in a DAG. `T` is the type of the task's result, which downstream
 * tasks receive through `inputs` (it exists only for the type checker).
 */
export interface TaskRef<T = unknown> {
  readonly [TASK_REF_BRAND]: true;
  readonly id: string;
  /** Phantom field carrying the result type; never set at run time. */
  readonly __result?: T;
}

/** What a task's `inputs` may name: upstream tasks (their results are handed over) or datasets. */
export type InputSource = TaskRef<unknown> | Dataset;
export type InputsSpec = Readonly<Record<string, InputSource>>;

/** The values a task function receives for its `inputs`: each task's result, each dataset as is. */
export type InputValues<I extends InputsSpec> = {
  readonly [K in keyof I]: I[K] extends TaskRef<infer T> ? T : I[K] extends Dataset ? Dataset : never;
};

/** Writes to the log of the current try. */
export interface TaskLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * `ctx.secrets`: secret values by name. `get` throws an error naming the secret and the task when
 * the task did not declare the name in its `secrets` option or no backend holds it.
 */
export interface TaskSecrets {
  get(name: string): string;
  /** True when the task declared `name` and a backend holds it. */
  has(name: string): boolean;
}

/** Metadata attached to a dataset event (`ctx.emit(dataset, { rows: 10 })`). */
export type DatasetEventMetadata = Readonly<Record<string, string | number | boolean | null>>;

/** What a running task knows about itself (docs/architecture.md §5). */
export interface TaskContext<P = Record<string, unknown>> {
  readonly dagId: string;
  readonly taskId: string;
  readonly runId: string;
  /** Index of this instance among the instances of a mapped task; `null` for an unmapped task. */
  readonly mapIndex: number | null;
  /** The data interval's start as YYYY-MM-DD in the DAG's timezone. */
  readonly ds: string;
  readonly dsNodash: string;
  readonly logicalDate: Date;
  readonly dataInterval: DataInterval;
  readonly params: P;
  /** The number of this try, from 1. */
  readonly tryNumber: number;
  readonly log: TaskLogger;
  /** The secrets the task declared in `secrets`: `ctx.secrets.get("warehouse_password")` (docs/secrets.md). */
  readonly secrets: TaskSecrets;
  /** Aborted when the try times out or the worker shuts down. */
  readonly signal: AbortSignal;
  /** Records that this try wrote (a part of) a dataset. */
  emit(dataset: Dataset | string, metadata?: DatasetEventMetadata): void;
  /**
   * A durable step (docs/durable-steps.md): calls `fn` and stores its JSON result once it
   * completes; a later try of this task instance gets the stored result back without calling
   * `fn` again. Steps are matched by call order and name, so call them in the same order on
   * every try. Resolves to the result as JSON reads it back (a `Date` becomes its ISO string).
   */
  step<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
  /**
   * A durable sleep (docs/durable-steps.md): a step that resolves once `duration` has passed. The
   * try does not hold its worker slot meanwhile: it waits `deferred` in the store, and is resumed
   * from its start when the time comes (steps before the sleep replay, the code after it runs).
   */
  sleep(duration: Duration): Promise<void>;
  /**
   * Waits for an event (docs/durable-steps.md): a step, named after the event, that resolves to
   * the payload (the `params`) of the first `POST /api/v1/events` (or `tributary events send`) of
   * that name after the wait started, or to `null` if none came within `timeout` (required). The
   * try holds no worker slot meanwhile: it waits `deferred`, and is resumed from its start when
   * the event arrives or the deadline passes (steps before the wait replay).
   */
  waitForEvent<T = unknown>(name: string, options: WaitForEventOptions): Promise<T | null>;
}

/** Options of `ctx.waitForEvent`. */
export interface WaitForEventOptions {
  /** How long to wait for the event ("2h", "30m" or milliseconds); then the wait resolves to `null`. */
  readonly timeout: Duration;
}

/** Options shared by every kind of task. Durations accept `Duration` strings. */
export interface TaskOptions {
  /** Upstream tasks that must finish first, without handing over their results. Ids may be strings. */
  readonly after?: readonly (TaskRef<unknown> | string)[];
  /** Datasets this task writes. */
  readonly outputs?: readonly Dataset[];
  readonly triggerRule?: TriggerRule;
  readonly retries?: number;
  readonly retryDelay?: Duration;
  readonly backoff?: Backoff;
  readonly maxRetryDelay?: Duration;
  /** Random spread of each retry delay: `true` for ±25%, or a fraction between 0 and 1. */
  readonly jitter?: boolean | number;
  readonly timeout?: Duration;
  readonly pool?: string;
  /** The worker queue that runs this task (default `"default"`): `tributary worker --queues`. */
  readonly queue?: string;
  readonly priority?: number;
  /**
   * Where the task's tries run (default `"process"`): `"thread"` or `"inline"` cost less per try but
   * share the worker process, so only trusted tasks should use them (docs/concepts.md, "Isolation").
   */
  readonly isolation?: Isolation;
  /** Names of the secrets the task may read through `ctx.secrets`. */
  readonly secrets?: readonly string[];
  /** The task must have succeeded this long after the data interval ends, or an SLA miss is recorded. */
  readonly deadline?: Duration;
}

/** Defaults for every task of a DAG. */
export type TaskDefaults = Pick<
  TaskOptions,
  "retries" | "retryDelay" | "backoff" | "maxRetryDelay" | "jitter" | "timeout" | "pool" | "queue" | "priority" | "triggerRule" | "isolation"
>;

export type TaskOptionsWithInputs<I extends InputsSpec> = TaskOptions & { readonly inputs?: I };

/**
 * Result caching (docs/concepts.md, "Cached results"): a try whose `key` has a successful result
 * stored within `ttl` is `success` with that result, without running. The key is computed in the
 * task process, from the context and inputs the task itself would get.
 */
export interface CacheOption<P, I extends InputsSpec> {
  readonly key: (ctx: TaskContext<P>, inputs: InputValues<I>) => string | Promise<string>;
  /** How long a stored result is served, from the end of the try that produced it: `"7d"`, `"30m"`. */
  readonly ttl: Duration;
}

/** The options of a task that may cache its result (`d.task` and `d.shell`). */
export type CachedTaskOptions<P, I extends InputsSpec> = { readonly cache?: CacheOption<P, I> };

/** `d.map(...)` options: the task whose array result is mapped over, one instance per element. */
export type MapOptions<U, I extends InputsSpec> = TaskOptionsWithInputs<I> & {
  readonly over: TaskRef<readonly U[]>;
};

/**
 * Schedules (docs/architecture.md §4): cron, preset, fixed interval, datasets, or none (manual/event only).
 * `[a, b]` runs once every listed dataset has a new event since the DAG's last dataset-triggered
 * run; `{ datasets: [a, b], when: "any" }` runs once any of them has.
 */
export type Schedule =
  | string
  | { readonly every: Duration }
  | readonly Dataset[]
  | { readonly datasets: readonly Dataset[]; readonly when?: "all" | "any" }
  | null;

export interface DagOptions<P> {
  readonly description?: string;
  readonly schedule?: Schedule;
  /** IANA time zone of the schedule and of `ds`; default UTC. */
  readonly timezone?: string;
  /** YYYY-MM-DD (in the DAG's timezone) or an ISO timestamp. */
  readonly startDate?: string;
  readonly endDate?: string;
  readonly catchup?: boolean;
  /**
   * Which days get scheduled and backfill runs, by the logical date's day in `timezone`:
   * `{ exclude: ["2024-12-25"], businessDays: "Mon-Fri", onExcluded: "skip" | "shift" }`
   * (docs/scheduling.md, "Calendars"). Needs a time-based schedule.
   */
  readonly calendar?: CalendarOption;
  readonly params?: ZodType<P>;
  readonly defaults?: TaskDefaults;
  readonly tags?: readonly string[];
  readonly maxActiveRuns?: number;
  readonly maxActiveTasks?: number;
  /** Names of events (`POST /api/v1/events`) that each start a run of this DAG, with the event's params. */
  readonly events?: readonly string[];
  /** A run must succeed within this long after its data interval ends, or an SLA miss is recorded. */
  readonly sla?: Duration;
  /** This DAG's alert escalation policy, over the global defaults (docs/alerts.md). */
  readonly alerts?: AlertsOption;
}

/** A DAG's `alerts` option; `false` turns off a channel the global defaults configure. */
export interface AlertsOption {
  /** How long an alert may stay unacknowledged before it pages (default "15m"). */
  readonly escalateAfter?: Duration;
  /** How long after the page a still unacknowledged alert opens a ticket (default "15m"). */
  readonly ticketAfter?: Duration;
  readonly slack?: string | false;
  readonly webhooks?: readonly string[];
  readonly email?: { readonly to: string | readonly string[] } | false;
  readonly pagerduty?: { readonly routingKey: string; readonly url?: string } | false;
  readonly jira?: { readonly project: string; readonly url?: string; readonly issueType?: string } | false;
}

/** The body of a Python-less operator: a TypeScript function. */
export type TaskFunction<P, I extends InputsSpec, R> = (ctx: TaskContext<P>, inputs: InputValues<I>) => R | Promise<R>;
export type MapFunction<P, U, I extends InputsSpec, R> = (
  ctx: TaskContext<P>,
  item: U,
  inputs: InputValues<I>,
) => R | Promise<R>;

/** What a branch task returns: the ids (or refs) of the direct downstream tasks to follow. */
export type BranchChoice = string | TaskRef<unknown> | readonly (string | TaskRef<unknown>)[] | null;

/** What a sensor's poke answers: `true` (done), `false` (not yet), or `{ done, value }` (the value becomes the task's result). */
export type PokeReturn<T> = boolean | { readonly done: boolean; readonly value?: T };

/** The context of a sensor's poke: a task's context and what a poke may want to know about its wait. */
export interface SensorContext<P = Record<string, unknown>> extends TaskContext<P> {
  /** This poke's number, from 1 (since the instance was created or last cleared). */
  readonly pokeNumber: number;
  /** When this poke started (virtual time in the testing kit). */
  readonly pokedAt: Date;
  /**
   * When a dataset the sensor names in its `inputs` was last updated (its latest event, by any
   * DAG or reported through the API), or null if it never was. Other datasets throw an error
   * saying to add them to `inputs`.
   */
  lastUpdated(dataset: Dataset | string): Date | null;
}

export type PokeFunction<P, I extends InputsSpec, T> = (ctx: SensorContext<P>, inputs: InputValues<I>) => PokeReturn<T> | Promise<PokeReturn<T>>;

/**
 * `d.sensor(id, options)`: a task that waits for something (a file, fresh data, a service) by
 * poking every `every` until the poke says it is done (docs/sensors.md). Between pokes it holds no
 * worker slot and no process. `timeout` is the whole wait, from the first poke (default 7 days);
 * `pokeTimeout` limits one poke (default the DAG's `defaults.timeout`, else 1 minute).
 */
export type SensorOptions<P, I extends InputsSpec, T> = Omit<TaskOptionsWithInputs<I>, "timeout"> & {
  readonly poke: PokeFunction<P, I, T>;
  /** Time between the end of a poke that found nothing and the next (default 1 minute). */
  readonly every?: Duration;
  /** How long the sensor may wait from its first poke; then it fails (default 7 days). */
  readonly timeout?: Duration;
  /** A timeout skips the sensor (and what depends on it) instead of failing it. */
  readonly softFail?: boolean;
  readonly pokeTimeout?: Duration;
};

/**
 * What the ready-made sensors (`fileSensor`, `httpSensor`, `datasetFreshSensor`) return: a poke
 * (and the inputs it needs) to spread into `d.sensor`'s options with the timing you want.
 */
export interface SensorDefinition<T, I extends InputsSpec = Record<never, never>> {
  readonly poke: PokeFunction<Record<string, unknown>, I, T>;
  readonly inputs?: I;
}

/**
 * `d.approval(id, options)`: the run waits for a person's answer (docs/approvals.md). The answer
 * fills `form` (a zod object schema, drawn as a form in the UI) and becomes the task's result for
 * downstream tasks; a rejection fails the task. Between the request and the answer the approval
 * holds no worker slot.
 */
export interface ApprovalOptions<F extends ZodType> {
  /** The answer's schema: a zod object schema. The UI draws it as a form; the API and CLI check answers against it. */
  readonly form: F;
  /** Who may answer: a role (and every role above it; default `"operator"`) or a list of user names. */
  readonly approvers?: "viewer" | "operator" | "admin" | readonly string[];
  /** How long the run waits for an answer (default 7 days). */
  readonly timeout?: Duration;
  /** What a timeout does: fail the task (default), skip it (and what depends on it), or succeed with this answer. */
  readonly onTimeout?: "fail" | "skip" | z.input<F>;
  /** Told to the approvers, above the form. */
  readonly description?: string;
  /** Announce the waiting approval on the DAG's alert channels, step 1 only: Slack, webhooks, email (default true). */
  readonly notify?: boolean;
  readonly after?: readonly (TaskRef<unknown> | string)[];
  readonly triggerRule?: TriggerRule;
  readonly queue?: string;
  readonly priority?: number;
  readonly deadline?: Duration;
}

/** The builder handed to the `dag()` callback. */
export interface DagBuilder<P> {
  task<R>(id: string, fn: TaskFunction<P, Record<never, never>, R>): TaskRef<Awaited<R>>;
  task<R, I extends InputsSpec = Record<never, never>>(
    id: string,
    options: TaskOptionsWithInputs<I> & CachedTaskOptions<P, I>,
    fn: TaskFunction<P, I, R>,
  ): TaskRef<Awaited<R>>;
  /** A templated shell command (`{{ ds }}`, `{{ params.region }}`...); its result is the last line of stdout. */
  shell(id: string, options: TaskOptions & CachedTaskOptions<P, Record<never, never>>, command: string): TaskRef<string>;
  branch<I extends InputsSpec = Record<never, never>>(
    id: string,
    options: TaskOptionsWithInputs<I>,
    fn: TaskFunction<P, I, BranchChoice>,
  ): TaskRef<string[]>;
  map<U, R, I extends InputsSpec = Record<never, never>>(
    id: string,
    options: MapOptions<U, I>,
    fn: MapFunction<P, U, I, R>,
  ): TaskRef<Awaited<R>[]>;
  /** A task that pokes until something is there (docs/sensors.md); its result is the value of the poke that was done. */
  sensor<T = null, I extends InputsSpec = Record<never, never>>(id: string, options: SensorOptions<P, I, T>): TaskRef<T>;
  /** A person's answer (docs/approvals.md); its result is the answer, as the form parsed it. */
  approval<F extends ZodType>(id: string, options: ApprovalOptions<F>): TaskRef<z.output<F>>;
}

/**
 * The code of one task, kept beside its serialisable `TaskSpec`. `datasetInputs` holds the inputs
 * that are datasets (input name -> dataset): the worker hands them to the function as they are,
 * since only upstream task results travel through the store.
 */
export type TaskDefinition =
  | {
      readonly kind: "task";
      readonly run: TaskFunction<unknown, InputsSpec, unknown>;
      readonly datasetInputs: Readonly<Record<string, Dataset>>;
      /** The `cache.key` function, when the task caches its result. */
      readonly cacheKey?: CacheKeyFunction;
    }
  | {
      readonly kind: "branch";
      readonly run: TaskFunction<unknown, InputsSpec, BranchChoice>;
      readonly datasetInputs: Readonly<Record<string, Dataset>>;
    }
  | {
      readonly kind: "map";
      readonly run: MapFunction<unknown, unknown, InputsSpec, unknown>;
      readonly datasetInputs: Readonly<Record<string, Dataset>>;
    }
  | {
      readonly kind: "sensor";
      readonly run: PokeFunction<unknown, InputsSpec, unknown>;
      readonly datasetInputs: Readonly<Record<string, Dataset>>;
    }
  | { readonly kind: "shell"; readonly command: string; readonly cacheKey?: CacheKeyFunction }
  /** No code: the form answers are checked against (the worker never runs an approval). */
  | { readonly kind: "approval"; readonly form: ZodType<unknown> };

/** A `cache.key` function as the task process calls it. */
export type CacheKeyFunction = (ctx: TaskContext<unknown>, inputs: InputValues<InputsSpec>) => string | Promise<string>;

/** DAG-level settings after defaults and validation. */
export interface ResolvedDagOptions {
  readonly description: string | undefined;
  readonly schedule: Schedule;
  readonly timezone: string;
  readonly startDate: string | undefined;
  readonly endDate: string | undefined;
  readonly catchup: boolean;
  readonly calendar: CalendarOption | undefined;
  readonly tags: readonly string[];
  readonly maxActiveRuns: number | undefined;
  readonly maxActiveTasks: number | undefined;
  readonly slaMs: number | undefined;
  readonly alerts: AlertPolicySpec | undefined;
  readonly events: readonly string[];
}

/** A validated DAG, as `dag()` returns it. */
export interface Dag<P = Record<string, unknown>> {
  readonly [DAG_BRAND]: true;
  readonly id: string;
  readonly options: ResolvedDagOptions;
  /** The structure, serialisable: what the store and the scheduler work from. */
  readonly graph: DagGraph;
  /** The code of each task, by task id. */
  readonly definitions: ReadonlyMap<string, TaskDefinition>;
  readonly paramsSchema: ZodType<P> | undefined;
  /**
   * Validates raw params (e.g. strings from `--param k=v`) against the schema, applying defaults.
   * An unknown param name is an error. Throws `ParamsError` naming the field.
   */
  parseParams(raw: Readonly<Record<string, unknown>>): P;
}
