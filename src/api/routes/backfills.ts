/** Backfills: plan (dry run), create, follow progress, pause, resume, cancel. The scheduler drives them. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { REPROCESS_MODES, type ReprocessMode } from "../../store/index.js";
import { backfillRange, excludedInRange, planBackfill } from "../../scheduler/backfill.js";
import { storedIntervals } from "../../scheduler/backfill-driver.js";
import { MAX_API_BACKFILL_INTERVALS } from "../../scheduler/backfill-intervals.js";
import { actorOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { requireDag } from "../lookups.js";
import { dagIdParam } from "../route-schemas.js";
import { BACKFILL_STATE_NAMES, backfillListSchema, backfillPlanSchema, backfillSchema } from "../responses/backfills.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";

const backfillIdParam = z.object({ id: z.coerce.number().int().min(1) });

export const backfillRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.post(
    "/dags/:dagId/backfills",
    {
      config: { access: "operator" },
      schema: {
        summary: "Backfill a date range (both ends included, in the DAG's timezone); dryRun lists the intervals and creates nothing",
        tags: ["backfills"],
        operationId: "createBackfill",
        params: dagIdParam,
        response: responses({ 200: backfillPlanSchema, 201: backfillSchema }, 400, 404, 422, ...AUTH_ERRORS),
        body: z.strictObject({
          from: z.string().min(1).max(40),
          to: z.string().min(1).max(40),
          reprocess: z.enum(REPROCESS_MODES as [ReprocessMode, ...ReprocessMode[]]).default("skip"),
          maxActiveRuns: z.number().int().min(1).max(256).default(4),
          dryRun: z.boolean().default(false),
        }),
      },
    },
    async (request, reply) => {
      const entry = requireDag(ctx, request.params.dagId);
      const { from, to } = backfillRange(request.body.from, request.body.to, entry.dag.options.timezone);
      const plan = await planBackfill(ctx.store, entry, { from, to }, request.body.reprocess, MAX_API_BACKFILL_INTERVALS);
      const intervals = plan.map((p) => ({
        logicalDate: p.interval.start,
        dataIntervalStart: p.interval.start,
        dataIntervalEnd: p.interval.end,
        action: p.action,
        existingRunId: p.existing?.runId ?? null,
      }));
      if (request.body.dryRun) {
        const excluded = excludedInRange(entry, { from, to }).map((e) => ({ tick: e.tick, ds: e.day, reason: e.reason, shiftedTo: e.shiftedTo ?? null }));
        return { dryRun: true as const, dagId: entry.dag.id, from, to, intervals, excluded };
      }
      const backfill = await ctx.store.createBackfill({
        dagId: entry.dag.id,
        from,
        to,
        reprocess: request.body.reprocess,
        maxActiveRuns: request.body.maxActiveRuns,
        createdBy: actorOf(request.principal),
        intervals: storedIntervals(plan),
        now: ctx.now(),
      });
      await ctx.store.access.appendAudit({
        actor: actorOf(request.principal),
        action: "backfill.create",
        target: `${entry.dag.id}#${backfill.id}`,
        details: { from: request.body.from, to: request.body.to, reprocess: request.body.reprocess, intervals: plan.length },
        now: ctx.now(),
      });
      return reply.status(201).send(backfill);
    },
  );

  app.get(
    "/backfills",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Backfills, newest first",
        tags: ["backfills"],
        operationId: "listBackfills",
        response: responses({ 200: backfillListSchema }, 400, ...AUTH_ERRORS),
        querystring: z.object({ dagId: z.string().max(250).optional(), state: z.enum(BACKFILL_STATE_NAMES).optional() }),
      },
    },
    async (request) => ({
      backfills: await ctx.store.listBackfills({ dagId: request.query.dagId, states: request.query.state ? [request.query.state] : undefined }),
    }),
  );

  app.get(
    "/backfills/:id",
    { config: { access: "viewer" }, schema: { summary: "A backfill with its progress", tags: ["backfills"], operationId: "getBackfill", params: backfillIdParam, response: responses({ 200: backfillSchema }, 400, 404, ...AUTH_ERRORS) } },
    async (request) => {
      const backfill = await ctx.store.getBackfill(request.params.id);
      if (!backfill) throw notFound(`backfill ${request.params.id} not found`);
      return backfill;
    },
  );

  // An operator's state changes: each one transaction in the store, audited.
  const stateChanges = [
    {
      verb: "cancel",
      summary: "Stop a running or paused backfill for good: it starts no more runs (runs in flight finish)",
      operationId: "cancelBackfill",
      apply: (id: number) => ctx.store.cancelBackfill(id, ctx.now()),
    },
    {
      verb: "pause",
      summary: "Pause a running backfill: it starts no more runs until it is resumed (runs in flight go on)",
      operationId: "pauseBackfill",
      apply: (id: number) => ctx.store.pauseBackfill(id, ctx.now()),
    },
    {
      verb: "resume",
      summary: "Resume a paused backfill (an interrupted tributary backfill, say): the schedulers start its runs again; a running one stays running",
      operationId: "resumeBackfill",
      apply: (id: number) => ctx.store.resumeBackfill({ id, now: ctx.now() }),
    },
  ] as const;
  for (const change of stateChanges) {
    app.post(
      `/backfills/:id/${change.verb}`,
      {
        config: { access: "operator" },
        schema: {
          summary: change.summary,
          tags: ["backfills"],
          operationId: change.operationId,
          params: backfillIdParam,
          response: responses({ 200: backfillSchema }, 400, 404, 409, ...AUTH_ERRORS),
        },
      },
      async (request) => {
        if (!(await ctx.store.getBackfill(request.params.id))) throw notFound(`backfill ${request.params.id} not found`);
        const backfill = await change.apply(request.params.id);
        await ctx.store.access.appendAudit({ actor: actorOf(request.principal), action: `backfill.${change.verb}`, target: `${backfill.dagId}#${backfill.id}`, now: ctx.now() });
        return backfill;
      },
    );
  }
};
