/** Dead letters: task instances that failed with no tries left. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiContext } from "../context.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";
import { deadLetterListSchema } from "../responses/tasks.js";

export const deadLetterRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.get(
    "/dead-letters",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Dead-lettered task instances",
        tags: ["task instances"],
        operationId: "listDeadLetters",
        querystring: z.object({ open: z.enum(["true", "false"]).optional() }),
        response: responses({ 200: deadLetterListSchema }, 400, ...AUTH_ERRORS),
      },
    },
    async (request) => ({ deadLetters: await ctx.store.listDeadLetters({ open: request.query.open === undefined ? undefined : request.query.open === "true" }) }),
  );
};
