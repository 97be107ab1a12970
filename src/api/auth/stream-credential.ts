/**
 * Keeps a long-lived response (a server-sent event stream) honest about who it serves: the
 * credential that opened it is authenticated again every `recheckMs` and whenever this process
 * changes a credential (credential-changes.ts). Once it no longer authenticates (token revoked,
 * session logged out or ended by a password change, user deleted, role too low) the signal aborts
 * with the reason, and the stream ends.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyRequest } from "fastify";
import type { ApiContext } from "../context.js";
import { ApiError } from "../errors.js";
import { authenticate } from "./authenticate.js";
import { roleAllows } from "./roles.js";

/** The default re-check interval: a credential ended elsewhere stops its streams within this. */
export const DEFAULT_STREAM_RECHECK_MS = 2_000;

export interface StreamCredential {
  /** Aborted, with the reason as a string, once the credential no longer authenticates. */
  readonly signal: AbortSignal;
  /** Waits `ms`, or less if the credential ends meanwhile (a stream's pause between reads). */
  pause(ms: number): Promise<void>;
  /** The last event of a stream whose credential ended (`event: unauthenticated`), else undefined. */
  endEvent(): string | undefined;
  /** Stops watching (the stream ended for another reason). */
  stop(): void;
}

export function watchStreamCredential(request: FastifyRequest, ctx: ApiContext, recheckMs: number): StreamCredential {
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  let pending = false;
  const check = (): void => {
    if (controller.signal.aborted) return;
    // One check at a time; a change heard meanwhile gets a check of its own afterwards.
    if (running) {
      pending = true;
      return;
    }
    running = reasonToClose(request, ctx).then((reason) => {
      running = undefined;
      if (reason !== undefined) controller.abort(reason);
      else if (pending) {
        pending = false;
        check();
      }
    });
  };
  const timer = setInterval(check, recheckMs);
  const unsubscribe = ctx.credentialChanges.subscribe(check);
  const stop = () => {
    clearInterval(timer);
    unsubscribe();
  };
  controller.signal.addEventListener("abort", stop, { once: true });
  const { signal } = controller;
  return {
    signal,
    stop,
    pause: (ms) => sleep(ms, undefined, { signal }).catch(() => undefined),
    endEvent: () => (signal.aborted ? `event: unauthenticated\ndata: ${JSON.stringify({ message: String(signal.reason) })}\n\n` : undefined),
  };
}

/** Why the request's credential no longer holds, or undefined while it does. */
async function reasonToClose(request: FastifyRequest, ctx: ApiContext): Promise<string | undefined> {
  const before = request.principal;
  const need = request.routeOptions.config.access;
  try {
    const now = await authenticate(request, ctx);
    if (!before || now.userId !== before.userId) return "the credential now belongs to another user";
    if (need !== undefined && need !== "public" && !roleAllows(now.role, need)) return `this needs the ${need} role; ${now.username} is now ${now.role}`;
    return undefined;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return error.message;
    // The store is away for a moment: the stream says so itself; the next check decides.
    return undefined;
  }
}
