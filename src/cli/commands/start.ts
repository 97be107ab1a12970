import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { InvalidInputError } from "../../core/errors.js";
import { TributaryService } from "../../scheduler/service.js";
import { EXIT } from "../exit-codes.js";
import { positiveInt } from "../flags.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";

export const START_USAGE = `tributary start [--dags <dir>] [--db <path>] [--workers N] [--port N]

Scheduler and workers in one process: creates due runs, runs their tasks, reloads changed DAG
files. Stops gracefully on SIGINT/SIGTERM (running tries get --grace seconds to finish).`;

export async function startCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dags: { type: "string" },
      db: { type: "string" },
      workers: { type: "string" },
      port: { type: "string" },
      grace: { type: "string" },
      "tick-ms": { type: "string" },
      "zombie-after": { type: "string" },
    },
  });
  const { dagsDir, db } = await resolveLocations(values);
  if (!existsSync(dagsDir) || !statSync(dagsDir).isDirectory()) {
    throw new InvalidInputError(`no such DAG folder: ${dagsDir} (use --dags <dir>)`, { field: "dags" });
  }
  const workers = positiveInt(values.workers, "workers") ?? 4;
  const graceMs = (positiveInt(values.grace, "grace") ?? 30) * 1_000;
  const store = await openStore(db);
  const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);
  const service = new TributaryService({
    store,
    dagsDir,
    concurrency: workers,
    tickMs: positiveInt(values["tick-ms"], "tick-ms"),
    zombieAfterMs: (positiveInt(values["zombie-after"], "zombie-after") ?? 60) * 1_000,
    log,
  });
  await service.start();
  const dags = service.registry.all();
  log(`tributary started: ${dags.size} DAG(s) from ${dagsDir}, ${workers} worker slot(s), store ${db ?? "(default)"}`);
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
