/**
 * Live updates: a server-sent event stream of state changes (run and task instance states), so
 * the UI refreshes what changed without reloading. The stream reads the store's state history,
 * so it sees changes made by every scheduler and worker, on any machine. A client that reconnects
 * sends `Last-Event-ID` and misses nothing still in the history. The stream ends, with an
 * `unauthenticated` event, once its credential does (a revoked token, a logout, a new password).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiContext } from "../context.js";
import { watchStreamCredential } from "../auth/stream-credential.js";
import { AUTH_ERRORS, responses, textResponse } from "../responses/responses.js";

export interface StreamSettings {
  /** How often the store is read for new changes. */
  readonly pollMs: number;
  /** How often a comment line keeps idle connections (and proxies) open. */
  readonly keepAliveMs: number;
  /** How often the stream's credential is authenticated again (stream-credential.ts). */
  readonly recheckMs: number;
}

export const streamRoutes = (ctx: ApiContext, settings: StreamSettings): FastifyPluginAsyncZod => async (app) => {
  app.get(
    "/stream",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Server-sent events: one `state` event per state change (run or task instance)",
        tags: ["live"],
        operationId: "streamStateChanges",
        response: responses({ 200: textResponse("text/event-stream", "One `state` event per state change (data: the change as JSON, with its dagId)") }, 400, ...AUTH_ERRORS),
        querystring: z.object({ dagId: z.string().max(250).optional(), runId: z.string().max(500).optional() }),
      },
    },
    async (request, reply) => {
      const lastEventId = Number(request.headers["last-event-id"]);
      let after = Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : await ctx.store.latestStateChangeId();
      const { dagId, runId } = request.query;
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
      out.write(`retry: 2000\n: connected\n\n`);
      let closed = false;
      let lastWrite = Date.now();
      const credential = watchStreamCredential(request, ctx, settings.recheckMs);
      request.raw.on("close", () => {
        closed = true;
        credential.stop();
      });
      while (!closed && !credential.signal.aborted) {
        try {
          const changes = await ctx.store.listStateChangesSince(after, 500);
          // Ended while reading: not one more event.
          if (credential.signal.aborted) break;
          for (const change of changes) {
            after = change.id;
            if ((dagId && change.dagId !== dagId) || (runId && change.runId !== runId)) continue;
            out.write(`id: ${change.id}\nevent: state\ndata: ${JSON.stringify(change)}\n\n`);
            lastWrite = Date.now();
          }
          if (changes.length === 500) continue;
        } catch (error) {
          // The store is away for a moment: say so, keep the connection, and try again.
          request.log.warn({ err: error }, "live updates: reading state changes failed");
          out.write(`event: error\ndata: ${JSON.stringify({ message: "store unavailable; retrying" })}\n\n`);
        }
        if (Date.now() - lastWrite >= settings.keepAliveMs) {
          out.write(": keep-alive\n\n");
          lastWrite = Date.now();
        }
        await credential.pause(settings.pollMs);
      }
      credential.stop();
      const endEvent = credential.endEvent();
      if (endEvent !== undefined && !closed) out.write(endEvent);
      out.end();
    },
  );
};
