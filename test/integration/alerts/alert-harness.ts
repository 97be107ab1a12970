/**
 * Shared set-up of the alert integration tests: a migrated store per test (SQLite or PostgreSQL),
 * real local receivers playing Slack, PagerDuty and Jira, a fake clock, and a dispatcher driven
 * pass by pass on that clock.
 */
import { afterEach, beforeEach } from "vitest";
import type { DagGraph } from "../../../src/core/types.js";
import type { Store } from "../../../src/store/index.js";
import { AlertDispatcher } from "../../../src/alerts/alert-dispatcher.js";
import type { AlertConfig } from "../../../src/alerts/alert-config.js";
import { checkSlas } from "../../../src/alerts/sla-check.js";
import { RunDriver } from "../../conformance/driver.js";
import { graph } from "../../conformance/fixtures.js";
import type { StoreFactory, StorePlace } from "../../conformance/stores.js";
import { startReceiver, type Received, type Receiver } from "./receivers.js";

export const T = Date.UTC(2024, 2, 2, 0, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface AlertWorld {
  readonly store: Store;
  readonly slack: Receiver;
  readonly pd: Receiver;
  readonly jira: Receiver;
  /** The fake clock every dispatcher pass reads. */
  clock: number;
  config: AlertConfig;
  /** One dispatcher pass at the current clock (a new dispatcher each time: it keeps no state). */
  tick(): Promise<void>;
  /** Sets the clock and runs a pass. */
  tickAt(time: number): Promise<void>;
  /** PagerDuty requests with this event_action. */
  pages(action?: string): Received[];
  /** A one-task DAG (`load`) recorded in the store, with a DAG-level SLA when `slaMs` is given. */
  dag(dagId: string, extra?: Partial<DagGraph>): Promise<DagGraph>;
  /** A manual run of `g` whose task `load` fails for good at the current clock: one dead letter. */
  deadLetter(g: DagGraph): Promise<RunDriver>;
  /** A scheduled run of `g` for the interval [start, end), left queued (so it misses an SLA). */
  queuedScheduledRun(g: DagGraph, start: number, end: number): Promise<string>;
  /** Records the SLA misses due at the current clock. */
  checkSlas(g: DagGraph): Promise<void>;
}

/** Registers hooks giving each test a fresh AlertWorld; read it inside tests only. */
export function useAlertWorld(factory: StoreFactory, baseConfig: (urls: { slack: string; pd: string; jira: string }) => AlertConfig): () => AlertWorld {
  let world: AlertWorld | undefined;
  let place: StorePlace | undefined;
  beforeEach(async () => {
    place = await factory.create();
    const store = factory.open(place.address);
    const report = await store.migrate();
    if (report.error) throw report.error;
    const slack = await startReceiver();
    const pd = await startReceiver({ fallback: 202, respond: () => ({ status: "success", dedup_key: "x" }) });
    const jira = await startReceiver({ fallback: 201, respond: () => ({ id: "10001", key: "OPS-1", self: "x" }) });
    const w: AlertWorld = {
      store,
      slack,
      pd,
      jira,
      clock: T,
      config: baseConfig({ slack: `${slack.url}/services/T000/B000/XXX`, pd: `${pd.url}/v2/enqueue`, jira: jira.url }),
      tick: async () => {
        await new AlertDispatcher({ store, config: w.config, now: () => new Date(w.clock) }).tick();
      },
      tickAt: async (time) => {
        w.clock = time;
        await w.tick();
      },
      pages: (action = "trigger") => pd.requests.filter((r) => r.body["event_action"] === action),
      dag: async (dagId, extra = {}) => {
        const g: DagGraph = { ...graph(dagId, [{ id: "load" }]), ...extra };
        await store.upsertDag({ dagId, file: `${dagId}.ts`, graph: g, now: new Date(T) });
        return g;
      },
      deadLetter: async (g) => {
        const run = await RunDriver.start(store, g, { now: new Date(w.clock), logicalDate: new Date(w.clock) });
        await run.claim(new Date(w.clock));
        await run.fail("load", new Date(w.clock));
        return run;
      },
      queuedScheduledRun: async (g, start, end) => {
        const runId = `${g.dagId}-scheduled-${new Date(start).toISOString()}`;
        await store.createRun({
          runId,
          runType: "scheduled",
          graph: g,
          logicalDate: new Date(start),
          dataIntervalStart: new Date(start),
          dataIntervalEnd: new Date(end),
          params: {},
          start: false,
          now: new Date(end),
        });
        return runId;
      },
      checkSlas: async (g) => {
        await checkSlas(store, [g], new Date(w.clock));
      },
    };
    world = w;
  });
  afterEach(async () => {
    if (world) {
      await world.store.close();
      await Promise.all([world.slack.close(), world.pd.close(), world.jira.close()]);
    }
    await place?.dispose();
    world = undefined;
    place = undefined;
  });
  return () => {
    if (!world) throw new Error("no alert world outside a test");
    return world;
  };
}
