/** DAG runs: list with filters and paging, get (with their notes), trigger with params, cancel, clear. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { parseDateInZone } from "../../core/calendar.js";
import { triggerRun } from "../../scheduler/trigger-run.js";
import type { RunState, RunType } from "../../core/types.js";
import { actorOf, type ApiContext } from "../context.js";
import { dagIdParam, paging, runIdParam } from "../route-schemas.js";
import { requireDag, requireRun } from "../lookups.js";
import { cancelRunAs, clearRunAs } from "../run-actions.js";
import { withNote, withNotes } from "../run-notes-view.js";
import { runStepViews } from "../step-view.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";
import { runHistorySchema, runListSchema, runSchema, runWithNoteSchema } from "../responses/runs.js";

const RUN_STATES = ["queued", "running", "success", "failed"] as const satisfies readonly RunState[];
const RUN_TYPES = ["scheduled", "manual", "backfill", "event"] as const satisfies readonly RunType[];
/** `state=failed,running` in a query string. */
const listOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(200)
    .transform((text) => text.split(",").filter((v) => v !== ""))
    .pipe(z.array(z.enum(values)));

export const runRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.get(
    "/runs",
    {
      config: { access: "viewer" },
      schema: {
        summary: "List DAG runs, latest logical date first",
        tags: ["runs"],
        operationId: "listRuns",
        response: responses({ 200: runListSchema }, 400, ...AUTH_ERRORS),
        querystring: z.object({
          dagId: z.string().max(250).optional(),
          state: listOf(RUN_STATES).optional(),
          runType: listOf(RUN_TYPES).optional(),
          from: z.string().max(40).optional(),
          to: z.string().max(40).optional(),
          ...paging,
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const filter = {
        dagId: q.dagId,
        states: q.state,
        runTypes: q.runType,
        from: q.from === undefined ? undefined : parseDateInZone(q.from, "UTC", { field: "from" }),
        to: q.to === undefined ? undefined : parseDateInZone(q.to, "UTC", { field: "to" }),
      };
      const [runs, total] = await Promise.all([ctx.store.listRuns({ ...filter, limit: q.limit, offset: q.offset }), ctx.store.countRuns(filter)]);
      return { runs: await withNotes(ctx.store, runs), total, limit: q.limit, offset: q.offset };
    },
  );

  app.post(
    "/dags/:dagId/runs",
    {
      config: { access: "operator" },
      schema: {
        summary: "Trigger a manual run with params (validated against the DAG's schema: 422 when they fail it)",
        tags: ["runs"],
        operationId: "triggerRun",
        response: responses({ 201: runSchema }, 400, 404, 409, 422, ...AUTH_ERRORS),
        params: dagIdParam,
        body: z.strictObject({
          params: z.record(z.string(), z.unknown()).default({}),
          logicalDate: z.string().max(40).optional(),
        }),
      },
    },
    async (request, reply) => {
      const entry = requireDag(ctx, request.params.dagId);
      const run = await triggerRun(ctx.store, entry, {
        runType: "manual",
        params: request.body.params,
        logicalDate: request.body.logicalDate,
        now: ctx.now(),
      });
      await ctx.store.access.appendAudit({
        actor: actorOf(request.principal),
        action: "run.trigger",
        target: run.runId,
        details: { dagId: entry.dag.id, params: run.params },
        now: ctx.now(),
      });
      return reply.status(201).send(run);
    },
  );

  app.get("/runs/:runId", { config: { access: "viewer" }, schema: { summary: "A DAG run, with its note (null when it has none)", tags: ["runs"], operationId: "getRun", params: runIdParam, response: responses({ 200: runWithNoteSchema }, 400, 404, ...AUTH_ERRORS) } }, async (request) =>
    withNote(ctx.store, await requireRun(ctx, request.params.runId)),
  );

  app.get(
    "/runs/:runId/history",
    { config: { access: "viewer" }, schema: {
        summary: "Every state change of a run and its task instances, oldest first",
        tags: ["runs"],
        operationId: "getRunHistory",
        params: runIdParam,
        response: responses({ 200: runHistorySchema }, 400, 404, ...AUTH_ERRORS),
      },
    },
    async (request) => {
      await requireRun(ctx, request.params.runId);
      return { changes: await ctx.store.listStateHistory(request.params.runId), steps: await runStepViews(ctx.store, request.params.runId) };
    },
  );

  app.post(
    "/runs/:runId/cancel",
    { config: { access: "operator" }, schema: { summary: "Cancel a queued or running run", tags: ["runs"], operationId: "cancelRun", params: runIdParam, response: responses({ 200: runSchema }, 400, 404, 409, ...AUTH_ERRORS) } },
    async (request) => cancelRunAs(ctx, request.params.runId, actorOf(request.principal)),
  );

  app.post(
    "/runs/:runId/clear",
    {
      config: { access: "operator" },
      schema: {
        summary: "Run a finished run again: all its tasks, or only the failed ones",
        tags: ["runs"],
        operationId: "clearRun",
        response: responses({ 200: runSchema }, 400, 404, 409, ...AUTH_ERRORS),
        params: runIdParam,
        body: z.strictObject({ onlyFailed: z.boolean().default(false) }).default({ onlyFailed: false }),
      },
    },
    async (request) => (await clearRunAs(ctx, request.params.runId, request.body.onlyFailed, actorOf(request.principal))).run,
  );
};
