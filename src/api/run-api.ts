/**
 * Starts the HTTP server on a port for `tributary start` and `tributary api`: creates the first
 * admin if there is none, and keeps the DAG registry fresh when no scheduler in this process does.
 */
import { fileURLToPath } from "node:url";
import type { DagRegistry } from "../scheduler/dag-registry.js";
import type { Store } from "../store/index.js";
import type { TributaryMetrics } from "../observability/metrics.js";
import { ensureFirstAdmin } from "./auth/first-admin.js";
import { createApiServer, type ApiPlugin } from "./server.js";
import type { TrustProxy } from "./trust-proxy.js";
import type { LogFn } from "../logging/log-fields.js";

export interface RunningApi {
  readonly url: string;
  close(): Promise<void>;
}

export interface StartApiOptions {
  readonly store: Store;
  readonly registry: DagRegistry;
  readonly port: number;
  readonly host?: string;
  readonly basePath?: string;
  /** Refresh the registry every this many ms (when no scheduler here does it). */
  readonly refreshMs?: number;
  /** The process's log: the API's internal errors (500) go here too, with their request ids. */
  readonly log: LogFn;
  readonly plugins?: readonly ApiPlugin[];
  readonly metrics?: TributaryMetrics;
  readonly env?: NodeJS.ProcessEnv;
  /** Which proxies to believe about client addresses (api/trust-proxy.ts). */
  readonly trustProxy?: TrustProxy | undefined;
  /** The files backend's folder (`--secrets-dir`), listed on the admin pages' Secrets tab. */
  readonly secretsDir?: string | undefined;
}

/** The built UI: `ui/dist` at the package root (next to `dist/` and `src/`). */
export const UI_DIR = fileURLToPath(new URL("../../ui/dist", import.meta.url));

export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const env = options.env ?? process.env;
  const admin = await ensureFirstAdmin(options.store, env, new Date());
  if (admin?.oneTimePassword !== undefined) {
    options.log(`created user "${admin.username}" (admin) with the one-time password ${admin.oneTimePassword} — change it at first login`);
  } else if (admin) {
    options.log(`created user "${admin.username}" (admin) with the password from TRIBUTARY_ADMIN_PASSWORD`);
  }
  const app = await createApiServer({
    store: options.store,
    dags: options.registry,
    basePath: options.basePath,
    secureCookies: env.TRIBUTARY_SECURE_COOKIES === "1" || env.TRIBUTARY_SECURE_COOKIES === "true",
    uiDir: UI_DIR,
    plugins: options.plugins,
    metrics: options.metrics,
    trustProxy: options.trustProxy,
    log: options.log,
    secrets: { env, dir: options.secretsDir },
  });
  let timer: NodeJS.Timeout | undefined;
  if (options.refreshMs !== undefined) {
    const refresh = () => {
      options.registry.refresh().catch((error: unknown) => options.log(`reloading DAG files failed: ${String(error)}`));
    };
    timer = setInterval(refresh, options.refreshMs);
    timer.unref();
  }
  const address = await app.listen({ port: options.port, host: options.host ?? "127.0.0.1" });
  const base = options.basePath ? `/${options.basePath.replace(/^\/+|\/+$/g, "")}/`.replace("//", "/") : "/";
  return {
    url: `${address}${base}`,
    close: async () => {
      if (timer) clearInterval(timer);
      await app.close();
    },
  };
}
