/** `/health`: unauthenticated, so load balancers and orchestrators can probe it. It says nothing secret. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiContext } from "../context.js";
import { healthSchema } from "../responses/auth.js";
import { responses } from "../responses/responses.js";

export const healthRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.get("/health", { config: { access: "public" }, schema: {
        summary: "Liveness and store reachability",
        tags: ["health"],
        operationId: "getHealth",
        response: responses({ 200: healthSchema, 503: healthSchema }),
      },
    }, async (_request, reply) => {
    try {
      await ctx.store.latestStateChangeId();
      return { status: "ok" as const, store: ctx.store.dialect };
    } catch {
      return reply.status(503).send({ status: "unavailable", store: ctx.store.dialect });
    }
  });
};
