/**
 * Calls to the REST API. The session cookie goes along by itself; every write also sends the
 * CSRF token that login (or /auth/me) handed out. Errors arrive as `{ error: { code, message, field? } }`.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** The API's root, relative to the page, so a base path behind a proxy needs no configuration. */
export const API_ROOT = new URL("api/v1/", document.baseURI).toString();

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request finds the session gone (expired, or logged out elsewhere). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export function apiUrl(path: string, query?: Readonly<Record<string, string | number | boolean | undefined | null>>): string {
  const url = new URL(path.replace(/^\//, ""), API_ROOT);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
  }
  return url.toString();
}

export async function api<T>(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  options: { body?: unknown; query?: Readonly<Record<string, string | number | boolean | undefined | null>>; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network", "the server cannot be reached; is `tributary start` running?");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status says what went wrong.
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    if (response.status === 401 && !path.startsWith("auth/login")) onUnauthenticated?.();
    throw new ApiError(response.status, error?.code ?? "http_error", error?.message ?? `${response.status} ${response.statusText}`, error?.field);
  }
  return body as T;
}

export const get = <T>(path: string, query?: Readonly<Record<string, string | number | boolean | undefined | null>>, signal?: AbortSignal) =>
  api<T>("GET", path, { query, signal });
export const post = <T>(path: string, body?: unknown) => api<T>("POST", path, { body: body ?? {} });
export const patch = <T>(path: string, body: unknown) => api<T>("PATCH", path, { body });
export const put = <T>(path: string, body: unknown) => api<T>("PUT", path, { body });

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Path segments are ids the user never typed into a URL by hand: encode them all the same. */
export const seg = (value: string) => encodeURIComponent(value);
