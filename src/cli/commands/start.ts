import { parseArgs } from "node:util";
import type { TributaryService } from "../../app/tributary-service.js";
import { EXIT } from "../exit-codes.js";
import { openStore } from "../store-location.js";
import { describeStoreLocation } from "../../store/open-store.js";
import type { Store } from "../../store/index.js";
import type { LogFn } from "../../logging/log-fields.js";
import { createProcessLogger } from "../../logging/logger.js";
import { assertSecretsUsable, createSecretResolver } from "../../secrets/secret-config.js";
import { closeAndThrow, OPERATIONS_FLAGS, OPERATIONS_USAGE, roleName } from "../operations-flags.js";
import { resolveServiceSettings } from "../service-settings.js";
import { withDefaultUiUrl } from "../../alerts/default-ui-url.js";

export const START_USAGE = `tributary start [--dags <dir>] [--db <path|url>] [--workers N] [--queues a,b] [--grace S] [--port N] [--host H]

Scheduler, workers, API and UI in one process: creates due runs, runs their tasks, reloads changed
DAG files, serves the UI and the REST API on --port (default 8080; 0 picks a free port). Stops
gracefully on SIGINT/SIGTERM (running tries get --grace seconds to finish).
Behind a proxy: --trust-proxy true|<hops>|<addresses, CIDRs, loopback> (or TRIBUTARY_TRUST_PROXY,
or trustProxy in tributary.config.ts) so that login limits count per client (docs/api.md).
${OPERATIONS_USAGE}`;

export const API_USAGE = `tributary api [--dags <dir>] [--db <path|url>] [--port N] [--host H] [--base-path /p/] [--trust-proxy <proxies>]

The REST API and the UI alone, for a fleet on PostgreSQL: any number of them behind a load
balancer. Needs the same DAG files as the schedulers (for params, structure and source).`;

export const SCHEDULER_USAGE = `tributary scheduler [--dags <dir>] [--db <path|url>] [--zombie-after S] [--queued-timeout S]

The scheduler alone: creates and starts due runs, fires retry timers, fails zombie tries. Run
one or more, on any machines, against the same PostgreSQL store (--db postgres://...).
${OPERATIONS_USAGE}`;

export const WORKER_USAGE = `tributary worker [--dags <dir>] [--db <path|url>] [--concurrency N] [--queues a,b] [--grace S]

A worker alone: claims queued task instances (only of the given queues, if any) and runs them.
Needs the same DAG files as the schedulers.
${OPERATIONS_USAGE}`;

type Roles = { readonly scheduler: boolean; readonly worker: boolean; readonly api: boolean };

export const startCommand = (argv: readonly string[]) => serve(argv, { scheduler: true, worker: true, api: true });
export const schedulerCommand = (argv: readonly string[]) => serve(argv, { scheduler: true, worker: false, api: false });
export const workerCommand = (argv: readonly string[]) => serve(argv, { scheduler: false, worker: true, api: false });
export const apiCommand = (argv: readonly string[]) => serve(argv, { scheduler: false, worker: false, api: true });

/**
 * What `tributary dev` adds to `start` (commands/dev.ts): called once everything runs; the function
 * it returns is called first when stopping.
 */
export type ServeHook = (running: { service: TributaryService; store: Store; dagsDir: string; log: LogFn }) => Promise<() => Promise<void>>;

/** `start`, plus a hook. */
export const startWith = (argv: readonly string[], hook: ServeHook) => serve(argv, { scheduler: true, worker: true, api: true }, hook);

async function serve(argv: readonly string[], roles: Roles, hook?: ServeHook): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dags: { type: "string" },
      db: { type: "string" },
      workers: { type: "string" },
      concurrency: { type: "string" },
      queues: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "base-path": { type: "string" },
      grace: { type: "string" },
      "tick-ms": { type: "string" },
      "zombie-after": { type: "string" },
      "queued-timeout": { type: "string" },
      "trust-proxy": { type: "string" },
      ...OPERATIONS_FLAGS,
    },
  });
  const settings = await resolveServiceSettings(values);
  const { dagsDir, db, workers, queues, graceMs, operations } = settings;
  // Imported once the flags are valid: a mistyped flag is answered without loading the scheduler,
  // the workers and the web server (about half a second).
  const [{ TributaryService }, { startApi }] = await Promise.all([import("../../app/tributary-service.js"), import("../../api/run-api.js")]);
  const store = await openStore(db);
  // Refused before anything runs: stored secrets this process could not decrypt (exit code 2).
  if (roles.worker) await assertSecretsUsable({ store, dir: operations.secretsDir }).catch(closeAndThrow(store));
  const { log } = createProcessLogger({ ...operations.logging, role: roleName(roles) });
  const service = new TributaryService({
    store,
    dagsDir,
    concurrency: workers,
    roles: { scheduler: roles.scheduler, worker: roles.worker },
    queues: queues === undefined ? undefined : [...queues],
    tickMs: settings.tickMs,
    zombieAfterMs: settings.zombieAfterMs,
    lostTryRetries: settings.lostTryRetries,
    queuedTimeoutMs: settings.queuedTimeoutMs,
    log,
    secrets: createSecretResolver({ store, dir: operations.secretsDir }),
    logRetentionMs: operations.logRetentionMs,
    openLineage: settings.openLineage,
    tracing: settings.tracing,
    // Messages link to this process's own UI unless `uiUrl` says where people reach it.
    alerts: roles.api ? withDefaultUiUrl(settings.alerts, { host: settings.host, port: settings.port, basePath: settings.basePath }) : settings.alerts,
  });
  // Signals are caught from here on. One that arrives while DAG files load cuts the loading short.
  const stopRequested = stopSignal((signal) => {
    log(`${signal} received: stopping (running tries get ${graceMs / 1000}s to finish)`);
    service.registry.cancelLoading();
  });
  // The API and /health listen before the DAG files load: loading can take a while, and a file that
  // hangs at import is cut off only after the import timeout (TRIBUTARY_DAG_IMPORT_TIMEOUT).
  const api = roles.api
    ? await startApi({ store, registry: service.registry, port: settings.port, host: settings.host, basePath: settings.basePath, trustProxy: settings.trustProxy, metrics: service.metrics, log, secretsDir: operations.secretsDir }).catch(
        closeAndThrow(store),
      )
    : undefined;
  if (api) log(`listening at ${api.url} (loading the DAG files of ${dagsDir})`);
  await service.start();
  const dags = service.registry.all();
  const role = [roles.scheduler ? "scheduler" : "", roles.worker ? "worker" : "", roles.api ? "API" : ""].filter((r) => r !== "").join(" + ");
  const slots = roles.worker ? `, ${workers} worker slot(s)${queues ? ` on queue(s) ${queues.join(", ")}` : ""}` : "";
  log(`tributary ${role} started: ${dags.size} DAG(s) from ${dagsDir}${slots}, store ${describeStoreLocation(db ?? "(default)")}`);
  for (const error of service.registry.importErrors()) log(`import error: ${error.describe()}`);
  if (api) log(`UI and API at ${api.url} (API under ${api.url}api/v1)`);
  const stopHook = await hook?.({ service, store, dagsDir, log });

  await stopRequested;
  await stopHook?.();
  await api?.close();
  await service.stop(graceMs);
  await store.close();
  log("tributary stopped");
  return EXIT.ok;
}

/** Resolves on the first SIGINT or SIGTERM (after calling `onSignal`); later ones are left to Node. */
function stopSignal(onSignal: (signal: NodeJS.Signals) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
      onSignal(signal);
      resolve();
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });
}
