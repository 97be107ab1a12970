/**
 * The CLI as a client of a running deployment: with `--server <url>` (or TRIBUTARY_SERVER) the
 * commands that act on it go through the REST API with the token in TRIBUTARY_TOKEN, instead of
 * opening the store. API errors keep their meaning: a 4xx exits 2 with the server's message
 * (naming the field), an unreachable server or a 5xx exits 3.
 */
import { TributaryError, type ErrorCode } from "../core/errors.js";
import { UsageError } from "./exit-codes.js";

export interface Remote {
  readonly server: string;
  readonly token: string;
}

/** The server to talk to, if the command was pointed at one. */
export function remoteFrom(serverFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Remote | undefined {
  const server = serverFlag ?? env.TRIBUTARY_SERVER;
  if (server === undefined || server === "") return undefined;
  const token = env.TRIBUTARY_TOKEN;
  if (!token) throw new UsageError("--server needs an API token in TRIBUTARY_TOKEN (create one with `tributary tokens create <user> --name <name>`)");
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server must be a URL such as http://localhost:8080, got "${server}"`);
  }
  return { server: url.toString().replace(/\/+$/, ""), token };
}

const CODES: Readonly<Record<number, ErrorCode>> = { 400: "INVALID_INPUT", 404: "NOT_FOUND", 409: "CONFLICT", 422: "PARAMS_INVALID" };

export class RemoteError extends TributaryError {
  readonly status: number;
  constructor(status: number, code: ErrorCode, message: string, field: string | undefined) {
    super(code, message, field === undefined ? {} : { field });
    this.status = status;
  }
}

export async function callApi<T>(remote: Remote, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${remote.server}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${remote.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(`cannot reach ${remote.server}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  const parsed = text === "" ? undefined : (JSON.parse(text) as unknown);
  if (response.ok) return parsed as T;
  const error = (parsed as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
  const message = `${error?.message ?? `HTTP ${response.status}`} (${remote.server}: ${response.status})`;
  if (response.status >= 500) throw new Error(message);
  // 401 and 403 are the caller's to fix, like any bad input: exit 2.
  throw new RemoteError(response.status, CODES[response.status] ?? "INVALID_INPUT", message, error?.field);
}
