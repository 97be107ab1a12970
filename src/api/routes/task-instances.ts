/** Task instances: list, get with tries, clear (run again), mark success/failed, logs per try (pages, a stream, a download). */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { TaskInstanceRecord } from "../../store/index.js";
import { actorOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { requireApprover } from "../auth/approvers.js";
import { dagToRun, requireRun } from "../lookups.js";
import { mapIndexQuery, runIdParam, taskParams } from "../route-schemas.js";
import { watchStreamCredential } from "../auth/stream-credential.js";
import { logFile } from "../log-download.js";
import { stepView } from "../step-view.js";
import { AUTH_ERRORS, responses, textResponse } from "../responses/responses.js";
import { clearTasksAnswerSchema, logPageSchema, taskInstanceDetailSchema, taskInstanceListSchema, taskInstanceSchema } from "../responses/tasks.js";
import { specOf } from "../../core/graph-index.js";

const instanceQuery = z.object({ mapIndex: mapIndexQuery });
const tryQuery = z.coerce.number().int().min(1).max(10_000).optional();

export interface TaskInstanceRouteSettings {
  /** How often a log stream's credential is authenticated again (stream-credential.ts). */
  readonly recheckMs: number;
}

export const taskInstanceRoutes = (ctx: ApiContext, settings: TaskInstanceRouteSettings): FastifyPluginAsyncZod => async (app) => {
  const findInstance = async (runId: string, taskId: string, mapIndex: number | undefined): Promise<TaskInstanceRecord> => {
    await requireRun(ctx, runId);
    const instances = await ctx.store.listTaskInstances(runId);
    const matching = instances.filter((ti) => ti.taskId === taskId);
    if (matching.length === 0) throw notFound(`task "${taskId}" has no instance in run ${runId}`);
    const ti = mapIndex === undefined ? (matching.find((m) => m.mapIndex === null) ?? (matching.length === 1 ? matching[0] : undefined)) : matching.find((m) => m.mapIndex === mapIndex);
    if (!ti) throw notFound(`task "${taskId}" in run ${runId} has no instance with map index ${mapIndex ?? "(none)"}; it has ${matching.map((m) => m.mapIndex).join(", ")}`);
    return ti;
  };

  app.get(
    "/runs/:runId/tasks",
    { config: { access: "viewer" }, schema: {
        summary: "The task instances of a run",
        tags: ["task instances"],
        operationId: "listTaskInstances",
        params: runIdParam,
        response: responses({ 200: taskInstanceListSchema }, 400, 404, ...AUTH_ERRORS),
      },
    },
    async (request) => {
      await requireRun(ctx, request.params.runId);
      return { taskInstances: await ctx.store.listTaskInstances(request.params.runId) };
    },
  );

  app.get(
    "/runs/:runId/tasks/:taskId",
    {
      config: { access: "viewer" },
      schema: {
        summary: "A task instance with its tries",
        tags: ["task instances"],
        operationId: "getTaskInstance",
        params: taskParams,
        querystring: instanceQuery,
        response: responses({ 200: taskInstanceDetailSchema }, 400, 404, ...AUTH_ERRORS),
      },
    },
    async (request) => {
      const ti = await findInstance(request.params.runId, request.params.taskId, request.query.mapIndex);
      const history = (await ctx.store.listStateHistory(ti.runId)).filter((c) => c.taskId === ti.taskId && c.mapIndex === ti.mapIndex);
      const events = (await ctx.store.listDatasetEvents({ runId: ti.runId })).filter((e) => e.taskId === ti.taskId);
      const steps = (await ctx.store.steps.list(ti.id)).map(stepView);
      return { ...ti, tries: await ctx.store.listTries(ti.id), history, datasetEvents: events, steps };
    },
  );

  app.post(
    "/runs/:runId/tasks/:taskId/clear",
    {
      config: { access: "operator" },
      schema: {
        summary: "Run a task instance again (and optionally everything downstream of it)",
        tags: ["task instances"],
        operationId: "clearTaskInstance",
        response: responses({ 200: clearTasksAnswerSchema }, 400, 404, 409, ...AUTH_ERRORS),
        params: taskParams,
        body: z.strictObject({ mapIndex: z.number().int().min(0).nullable().optional(), downstream: z.boolean().default(false) }).default({ downstream: false }),
      },
    },
    async (request) => {
      const run = await requireRun(ctx, request.params.runId);
      const { graph, source } = await dagToRun(ctx, run.dagId);
      if (!graph.tasks.some((t) => t.id === request.params.taskId)) throw notFound(`DAG "${run.dagId}" has no task "${request.params.taskId}"`);
      const result = await ctx.store.clearTaskInstances({
        runId: run.runId,
        taskIds: [request.params.taskId],
        mapIndex: request.body.mapIndex,
        downstream: request.body.downstream,
        graph,
        source,
        now: ctx.now(),
      });
      await ctx.store.access.appendAudit({
        actor: actorOf(request.principal),
        action: "task.clear",
        target: `${run.runId}/${request.params.taskId}`,
        details: { mapIndex: request.body.mapIndex ?? null, downstream: request.body.downstream },
        now: ctx.now(),
      });
      return result;
    },
  );

  app.post(
    "/runs/:runId/tasks/:taskId/mark",
    {
      config: { access: "operator" },
      schema: {
        summary: "Mark a task instance success or failed",
        tags: ["task instances"],
        operationId: "markTaskInstance",
        response: responses({ 200: taskInstanceSchema }, 400, 403, 404, 409, ...AUTH_ERRORS),
        params: taskParams,
        body: z.strictObject({ state: z.enum(["success", "failed"]), mapIndex: z.number().int().min(0).nullable().optional() }),
      },
    },
    async (request) => {
      const ti = await findInstance(request.params.runId, request.params.taskId, request.body.mapIndex ?? undefined);
      const { graph } = await dagToRun(ctx, ti.dagId);
      // Marking a waiting approval decides it: only its approvers may (docs/approvals.md).
      const approval = ti.state === "deferred" && ti.waitReason === "approval" ? specOf(graph, ti.taskId)?.approval : undefined;
      if (approval) requireApprover(approval.approvers, request.principal, `approval "${ti.taskId}"`, ": answer it (POST .../approval) rather than marking it");
      const marked = await ctx.store.markTaskInstance({ runId: ti.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, state: request.body.state, graph, now: ctx.now() });
      await ctx.store.access.appendAudit({
        actor: actorOf(request.principal),
        action: `task.mark_${request.body.state}`,
        target: `${ti.runId}/${ti.taskId}${ti.mapIndex === null ? "" : `[${ti.mapIndex}]`}`,
        now: ctx.now(),
      });
      return marked;
    },
  );

  app.get(
    "/runs/:runId/tasks/:taskId/logs",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Log lines of one try (default: the latest), oldest first; page with `after` (the last line id you have)",
        tags: ["task instances"],
        operationId: "getTaskLogs",
        response: responses({ 200: logPageSchema }, 400, 404, ...AUTH_ERRORS),
        params: taskParams,
        querystring: z.object({
          mapIndex: mapIndexQuery,
          try: tryQuery,
          after: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
          search: z.string().max(200).optional(),
        }),
      },
    },
    async (request) => {
      const ti = await findInstance(request.params.runId, request.params.taskId, request.query.mapIndex);
      if (ti.tryNumber === 0) return { tryNumber: 0, lines: [], nextAfter: request.query.after ?? 0, running: false };
      const { tryNumber, lines } = await ctx.store.readLogs({
        runId: ti.runId,
        taskId: ti.taskId,
        mapIndex: ti.mapIndex,
        tryNumber: request.query.try,
        afterId: request.query.after,
        limit: request.query.limit,
        search: request.query.search,
      });
      const running = ti.state === "running" && tryNumber === ti.tryNumber;
      return { tryNumber, lines, nextAfter: lines.at(-1)?.id ?? request.query.after ?? 0, running };
    },
  );

  app.get(
    "/runs/:runId/tasks/:taskId/logs/download",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The whole log of one try (default: the latest) as a text file (`text/plain`, an attachment): one line per log line, its time (UTC), level or stream, and message",
        tags: ["task instances"],
        operationId: "downloadTaskLog",
        response: responses({ 200: textResponse("text/plain", "The log, one line per log line (an attachment)") }, 400, 404, ...AUTH_ERRORS),
        params: taskParams,
        querystring: z.object({ mapIndex: mapIndexQuery, try: tryQuery }),
      },
    },
    async (request, reply) => {
      const ti = await findInstance(request.params.runId, request.params.taskId, request.query.mapIndex);
      if (request.query.try === undefined && ti.tryNumber === 0) throw notFound(`task "${ti.taskId}" in run ${ti.runId} has not started a try yet: it has no log`);
      const file = await logFile(ctx.store, { runId: ti.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: request.query.try });
      return reply
        .header("content-type", "text/plain; charset=utf-8")
        .header("content-disposition", `attachment; filename="${file.fileName}"`)
        // A stream of the text (the response schema says what it holds): Fastify pipes streams as they are.
        .send(file.body as unknown as string);
    },
  );

  app.get(
    "/runs/:runId/tasks/:taskId/logs/stream",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Server-sent events: the try's log lines as they are written (`log` events), then `end` when the try has finished",
        tags: ["task instances"],
        operationId: "streamTaskLog",
        response: responses({ 200: textResponse("text/event-stream", "`log` events (data: a log line as JSON), then one `end` event") }, 400, 404, ...AUTH_ERRORS),
        params: taskParams,
        querystring: z.object({ mapIndex: mapIndexQuery, try: tryQuery, after: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (request, reply) => {
      const first = await findInstance(request.params.runId, request.params.taskId, request.query.mapIndex);
      const tryNumber = request.query.try ?? first.tryNumber;
      let after = request.query.after ?? Number(request.headers["last-event-id"] ?? 0);
      if (!Number.isInteger(after) || after < 0) after = 0;
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
      let closed = false;
      // The log ends with its credential too (a revoked token, a logout, a new password).
      const credential = watchStreamCredential(request, ctx, settings.recheckMs);
      request.raw.on("close", () => {
        closed = true;
        credential.stop();
      });
      try {
        while (!closed && !credential.signal.aborted) {
          const ti = await findInstance(first.runId, first.taskId, first.mapIndex ?? undefined);
          // Read the state before the lines: lines written before the try ended are all in this read.
          const finished = !(ti.state === "running" && ti.tryNumber === tryNumber) && !(tryNumber > ti.tryNumber);
          const { lines } = tryNumber === 0 ? { lines: [] } : await ctx.store.readLogs({ runId: ti.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber, afterId: after, limit: 1_000 });
          // Ended while reading: not one more line.
          if (credential.signal.aborted) break;
          for (const line of lines) {
            after = line.id;
            out.write(`id: ${line.id}\nevent: log\ndata: ${JSON.stringify(line)}\n\n`);
          }
          if (lines.length === 1_000) continue;
          if (finished) {
            out.write(`event: end\ndata: ${JSON.stringify({ tryNumber, state: ti.state })}\n\n`);
            break;
          }
          await credential.pause(500);
        }
      } finally {
        // Also when a read throws: the watch must not outlive the stream.
        credential.stop();
      }
      const endEvent = credential.endEvent();
      if (endEvent !== undefined && !closed) out.write(endEvent);
      out.end();
    },
  );
};
