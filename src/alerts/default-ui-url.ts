/**
 * Where alert messages link to when `uiUrl` is not configured and this process serves the UI
 * itself (`tributary start`, `tributary api` with a scheduler): its own address, so a first try
 * on a laptop gets working "Open in Tributary" links. A fleet behind a proxy sets `uiUrl`.
 */
import { hostname } from "node:os";
import type { AlertConfig } from "./alert-config.js";

export function withDefaultUiUrl(config: AlertConfig, server: { host: string | undefined; port: number; basePath: string | undefined }): AlertConfig {
  // Port 0 is chosen when listening: not known yet, so no default.
  if (config.uiUrl !== undefined || server.port === 0) return config;
  const host = server.host ?? "127.0.0.1";
  // A wildcard address is no place to send a browser to: the machine's name is the best guess.
  const reachable = host === "0.0.0.0" || host === "::" ? hostname() : host.includes(":") ? `[${host}]` : host;
  const base = (server.basePath ?? "/").replace(/^\/*/, "/").replace(/\/*$/, "/");
  return { ...config, uiUrl: `http://${reachable}:${server.port}${base}` };
}
