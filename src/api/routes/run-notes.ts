/** Run notes: an operator's free text on a DAG run, shown with the run (GET /runs/:runId). */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { MAX_RUN_NOTE_CHARS } from "../../store/index.js";
import { actorOf, type ApiContext } from "../context.js";
import { requireRun } from "../lookups.js";
import { runIdParam } from "../route-schemas.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";
import { runNoteAnswerSchema } from "../responses/runs.js";

export const runNoteRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.put(
    "/runs/:runId/note",
    {
      config: { access: "operator" },
      schema: {
        summary: `Write the run's note (at most ${MAX_RUN_NOTE_CHARS} characters), replacing the one it had; an empty note removes it`,
        tags: ["runs"],
        operationId: "setRunNote",
        response: responses({ 200: runNoteAnswerSchema }, 400, 404, ...AUTH_ERRORS),
        params: runIdParam,
        body: z.strictObject({ note: z.string().max(MAX_RUN_NOTE_CHARS) }),
      },
    },
    async (request) => {
      const run = await requireRun(ctx, request.params.runId);
      const actor = actorOf(request.principal);
      const note = await ctx.store.setRunNote({ runId: run.runId, note: request.body.note, by: actor, now: ctx.now() });
      await ctx.store.access.appendAudit({
        actor,
        action: "run.note",
        target: run.runId,
        details: note === null ? { removed: true } : { chars: note.note.length },
        now: ctx.now(),
      });
      return { note };
    },
  );
};
