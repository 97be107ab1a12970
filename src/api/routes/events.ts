/**
 * Events (docs/architecture.md §4): `POST /api/v1/events` with an event name starts one run of every DAG that
 * subscribes to it (the DAG option `events`), each with the event's params validated against
 * that DAG's schema. All DAGs are checked before any run is created: a bad param creates nothing.
 * It also delivers the event to every task waiting for it (`ctx.waitForEvent`, docs/durable-steps.md):
 * the params are the wait's payload.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { EVENT_NAME } from "../../dsl/dag-options.js";
import { postEvent } from "../../scheduler/post-event.js";
import { actorOf, type ApiContext } from "../context.js";
import { eventAnswerSchema } from "../responses/backfills.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";

export const eventRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.post(
    "/events",
    {
      config: { access: "operator" },
      schema: {
        summary: "Post an event: starts a run of every DAG subscribed to it, and reaches every task waiting for it",
        tags: ["events"],
        operationId: "postEvent",
        response: responses({ 202: eventAnswerSchema }, 400, 409, 422, ...AUTH_ERRORS),
        body: z.strictObject({
          event: z.string().regex(EVENT_NAME, "letters, digits, and _ . : / - (at most 200)"),
          params: z.record(z.string(), z.unknown()).default({}),
        }),
      },
    },
    async (request, reply) => {
      const { event, params } = request.body;
      const now = ctx.now();
      // A subscriber's bad param throws a 422 naming the DAG and field, before anything happens.
      const { runs, delivered } = await postEvent(ctx.store, ctx.dags.all().values(), { event, params, now });
      await ctx.store.access.appendAudit({
        actor: actorOf(request.principal),
        action: "event.post",
        target: event,
        details: { runs: runs.map((r) => r.runId), delivered },
        now,
      });
      return reply.status(202).send({ event, runs, delivered });
    },
  );
};
