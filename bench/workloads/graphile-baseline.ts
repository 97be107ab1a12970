/**
 * The peer: graphile-worker, a bare PostgreSQL job queue, on the same database in its own schema.
 * A chain of jobs where each job queues the next (its job-to-job hand-off), and a backlog of no-op
 * jobs drained with the same concurrency as fanout10k. Timestamps are taken inside the handlers.
 */
import { Logger, makeWorkerUtils, run, type Runner, type TaskList } from "graphile-worker";
import type { PeerBaseline } from "./types.js";
import { dropSchema, median, percentile } from "./util.js";

export interface GraphileSizes {
  readonly chainSteps: number;
  readonly chainRounds: number;
  readonly drainJobs: number;
  readonly concurrency: number;
}

export const FULL_GRAPHILE_SIZES: GraphileSizes = { chainSteps: 40, chainRounds: 3, drainJobs: 10_000, concurrency: 64 };

const quiet = new Logger(() => () => undefined);

export async function graphileBaseline(pgUrl: string, sizes: GraphileSizes = FULL_GRAPHILE_SIZES): Promise<PeerBaseline> {
  const schema = `bench_graphile_${process.pid}`;
  const utils = await makeWorkerUtils({ connectionString: pgUrl, schema, logger: quiet });
  try {
    await utils.migrate();
    const totals: number[] = [];
    const steps: number[] = [];
    for (let round = 0; round < sizes.chainRounds; round++) {
      const { total, gaps } = await chain(pgUrl, schema, sizes.chainSteps);
      totals.push(total);
      steps.push(...gaps);
    }
    const drainJobsPerSecond = await drain(pgUrl, schema, utils, sizes);
    return {
      chainTotalMs: median(totals),
      chainStepP50Ms: percentile(steps, 0.5),
      chainStepP99Ms: percentile(steps, 0.99),
      drainJobsPerSecond,
    };
  } finally {
    await utils.release();
    await dropSchema(pgUrl, schema);
  }
}

async function chain(pgUrl: string, schema: string, length: number): Promise<{ total: number; gaps: number[] }> {
  const starts: number[] = [];
  let ended = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const taskList: TaskList = {
    step: async (payload, helpers) => {
      const { i } = payload as { i: number };
      starts[i] = performance.now();
      if (i + 1 < length) {
        await helpers.addJob("step", { i: i + 1 });
      } else {
        ended = performance.now();
        finish();
      }
    },
  };
  const runner = await start(pgUrl, schema, 1, taskList);
  try {
    await runner.addJob("step", { i: 0 });
    await finished;
  } finally {
    await runner.stop();
  }
  const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? at));
  return { total: ended - (starts[0] ?? ended), gaps };
}

async function drain(pgUrl: string, schema: string, utils: Awaited<ReturnType<typeof makeWorkerUtils>>, sizes: GraphileSizes): Promise<number> {
  // The backlog is in place before the workers start, as fanout10k's instances are queued at once.
  for (let from = 0; from < sizes.drainJobs; from += 1_000) {
    const count = Math.min(1_000, sizes.drainJobs - from);
    await utils.addJobs(Array.from({ length: count }, (_, i) => ({ identifier: "noop", payload: { i: from + i } })));
  }
  let done = 0;
  let first = 0;
  let last = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const taskList: TaskList = {
    noop: async () => {
      const now = performance.now();
      if (first === 0) first = now;
      last = now;
      if (++done === sizes.drainJobs) finish();
    },
  };
  const runner = await start(pgUrl, schema, sizes.concurrency, taskList);
  try {
    await finished;
  } finally {
    await runner.stop();
  }
  // From the first handler call to the last, as fanout10k counts from the first try's start to the last try's end.
  return sizes.drainJobs / ((last - first) / 1_000);
}

function start(pgUrl: string, schema: string, concurrency: number, taskList: TaskList): Promise<Runner> {
  return run({
    connectionString: pgUrl,
    schema,
    concurrency,
    // Enough connections that the pool is not what limits it, without crowding the shared server.
    maxPoolSize: Math.min(concurrency + 1, 24),
    pollInterval: 1_000,
    noHandleSignals: true,
    logger: quiet,
    taskList,
  });
}
