import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { InvalidInputError } from "../../core/errors.js";
import { TributaryService } from "../../scheduler/service.js";
import { EXIT } from "../exit-codes.js";
import { positiveInt } from "../flags.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { describeStoreLocation } from "../../store/open-store.js";

export const START_USAGE = `tributary start [--dags <dir>] [--db <path|url>] [--workers N] [--queues a,b] [--grace S]

Scheduler and workers in one process: creates due runs, runs their tasks, reloads changed DAG
files. Stops gracefully on SIGINT/SIGTERM (running tries get --grace seconds to finish).`;

export const SCHEDULER_USAGE = `tributary scheduler [--dags <dir>] [--db <path|url>] [--zombie-after S] [--queued-timeout S]

The scheduler alone: creates and starts due runs, fires retry timers, fails zombie tries. Run
one or more, on any machines, against the same PostgreSQL store (--db postgres://...).`;

export const WORKER_USAGE = `tributary worker [--dags <dir>] [--db <path|url>] [--concurrency N] [--queues a,b] [--grace S]

A worker alone: claims queued task instances (only of the given queues, if any) and runs them.
Needs the same DAG files as the schedulers.`;

type Roles = { readonly scheduler: boolean; readonly worker: boolean };

export const startCommand = (argv: readonly string[]) => serve(argv, { scheduler: true, worker: true });
export const schedulerCommand = (argv: readonly string[]) => serve(argv, { scheduler: true, worker: false });
export const workerCommand = (argv: readonly string[]) => serve(argv, { scheduler: false, worker: true });

async function serve(argv: readonly string[], roles: Roles): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dags: { type: "string" },
      db: { type: "string" },
      workers: { type: "string" },
      concurrency: { type: "string" },
      queues: { type: "string" },
      port: { type: "string" },
      grace: { type: "string" },
      "tick-ms": { type: "string" },
      "zombie-after": { type: "string" },
      "queued-timeout": { type: "string" },
    },
  });
  const { dagsDir, db } = await resolveLocations(values);
  if (!existsSync(dagsDir) || !statSync(dagsDir).isDirectory()) {
    throw new InvalidInputError(`no such DAG folder: ${dagsDir} (use --dags <dir>)`, { field: "dags" });
  }
  const workers = positiveInt(values.workers ?? values.concurrency, values.workers === undefined ? "concurrency" : "workers") ?? 4;
  const queues = values.queues === undefined ? undefined : values.queues.split(",").map((q) => q.trim()).filter((q) => q.length > 0);
  const graceMs = (positiveInt(values.grace, "grace") ?? 30) * 1_000;
  const store = await openStore(db);
  const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);
  const service = new TributaryService({
    store,
    dagsDir,
    concurrency: workers,
    roles,
    queues,
    tickMs: positiveInt(values["tick-ms"], "tick-ms"),
    zombieAfterMs: (positiveInt(values["zombie-after"], "zombie-after") ?? 60) * 1_000,
    queuedTimeoutMs: (positiveInt(values["queued-timeout"], "queued-timeout") ?? 600) * 1_000,
    log,
  });
  await service.start();
  const dags = service.registry.all();
  const role = roles.scheduler && roles.worker ? "scheduler + worker" : roles.scheduler ? "scheduler" : "worker";
  const slots = roles.worker ? `, ${workers} worker slot(s)${queues ? ` on queue(s) ${queues.join(", ")}` : ""}` : "";
  log(`tributary ${role} started: ${dags.size} DAG(s) from ${dagsDir}${slots}, store ${describeStoreLocation(db ?? "(default)")}`);
  for (const error of service.registry.importErrors()) log(`import error: ${error.describe()}`);
  if (values.port !== undefined) log("the API and UI are not part of this version yet; --port is ignored");

  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log(`${signal} received: stopping (running tries get ${graceMs / 1000}s to finish)`);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  await service.stop(graceMs);
  await store.close();
  log("tributary stopped");
  return EXIT.ok;
}
