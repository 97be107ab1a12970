/**
 * Bulk actions on runs: one request acts on up to 100 runs, each in its own transaction, and
 * answers with a result per run (the run, or the error a single request would have got), so one
 * finished run among the selected ones does not stop the others. Each run changed is audited.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf, type ApiContext } from "../context.js";
import { errorResponse, type ErrorBody } from "../errors.js";
import { applyRunAction, RUN_ACTIONS } from "../run-actions.js";
import type { DagRunRecord } from "../../store/index.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";
import { bulkRunAnswerSchema } from "../responses/runs.js";

export const MAX_BULK_RUNS = 100;

type BulkResult = { runId: string; ok: true; run: DagRunRecord } | { runId: string; ok: false; error: ErrorBody["error"] };

export const runBulkRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.post(
    "/runs/bulk",
    {
      config: { access: "operator" },
      schema: {
        summary: `Act on several runs at once (at most ${MAX_BULK_RUNS}): clear their failed tasks, mark them success or failed, or cancel them; a result per run`,
        tags: ["runs"],
        operationId: "actOnRuns",
        response: responses({ 200: bulkRunAnswerSchema }, 400, ...AUTH_ERRORS),
        body: z.strictObject({
          action: z.enum(RUN_ACTIONS),
          runIds: z.array(z.string().min(1).max(500)).min(1).max(MAX_BULK_RUNS),
        }),
      },
    },
    async (request) => {
      const { action } = request.body;
      const actor = actorOf(request.principal);
      const results: BulkResult[] = [];
      for (const runId of new Set(request.body.runIds)) {
        try {
          results.push({ runId, ok: true, run: await applyRunAction(ctx, action, runId, actor, { bulk: true }) });
        } catch (error) {
          const { status, body } = errorResponse(error);
          // A fault of the server or its store is no answer about one run: the request fails.
          if (status >= 500) throw error;
          results.push({ runId, ok: false, error: body.error });
        }
      }
      return { action, results };
    },
  );
};
