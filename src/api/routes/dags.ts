/** DAGs: list with their recent runs and next run, structure, source, pause/unpause. */
import { readFile } from "node:fs/promises";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RegisteredDag } from "../../scheduler/dag-registry.js";
import { nextScheduledRun } from "../../scheduler/next-run.js";
import { dagVersion } from "../../core/dag-version.js";
import { describeScheduleInWords } from "../../core/schedule-words.js";
import { actorOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { dagIdParam } from "../route-schemas.js";
import type { DagRecord, DagRunRecord } from "../../store/index.js";
import { dagDetailSchema, dagListSchema, dagSourceSchema, dagSummarySchema, dagVersionListSchema, dagVersionSchema, importErrorsSchema } from "../responses/dags.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";

const RECENT_RUNS = 10;
const LAG_RUNS = 20;

export const dagRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.get(
    "/dags",
    {
      config: { access: "viewer" },
      schema: {
        summary: "List DAGs with their schedule, next run and recent runs",
        tags: ["dags"],
        operationId: "listDags",
        response: responses({ 200: dagListSchema }, 400, ...AUTH_ERRORS),
        querystring: z.object({
          search: z.string().max(200).optional(),
          tag: z.string().max(100).optional(),
          paused: z.enum(["true", "false"]).optional(),
        }),
      },
    },
    async (request) => {
      const stored = new Map((await ctx.store.listDags()).map((d) => [d.dagId, d]));
      const recent = await ctx.store.listRecentRuns(RECENT_RUNS);
      const ids = new Set([...ctx.dags.all().keys(), ...stored.keys()]);
      const { search, tag, paused } = request.query;
      const dags = [];
      for (const dagId of [...ids].sort()) {
        const entry = ctx.dags.get(dagId);
        const record = stored.get(dagId);
        const summary = dagSummary(dagId, entry, record, ctx.now());
        if (search && !dagId.toLowerCase().includes(search.toLowerCase()) && !(summary.description ?? "").toLowerCase().includes(search.toLowerCase())) continue;
        if (tag && !summary.tags.includes(tag)) continue;
        if (paused !== undefined && summary.isPaused !== (paused === "true")) continue;
        const recentRuns = (recent.get(dagId) ?? []).map(runSummary);
        dags.push({ ...summary, recentRuns });
      }
      return { dags, importErrors: importErrors(ctx) };
    },
  );

  app.get(
    "/dags/:dagId",
    { config: { access: "viewer" }, schema: { summary: "A DAG with its structure", tags: ["dags"], operationId: "getDag", params: dagIdParam, response: responses({ 200: dagDetailSchema }, 400, 404, ...AUTH_ERRORS) } },
    async (request) => {
      const { dagId } = request.params;
      const entry = ctx.dags.get(dagId);
      const record = await ctx.store.getDag(dagId);
      if (!entry && !record) throw notFound(`DAG "${dagId}" not found`);
      const graph = entry?.dag.graph ?? record?.graph;
      return {
        ...dagSummary(dagId, entry, record, ctx.now()),
        tasks: graph?.tasks ?? [],
        datasetSchedule: graph?.datasetSchedule ?? null,
        // For the UI's trigger form, made when the file was loaded.
        params: entry?.dag.paramsJsonSchema ?? null,
        loaded: entry !== undefined,
        schedulerLag: schedulerLag(await ctx.store.listRuns({ dagId, runTypes: ["scheduled"], limit: LAG_RUNS })),
      };
    },
  );

  app.get(
    "/dags/:dagId/source",
    { config: { access: "viewer" }, schema: { summary: "The source file of a DAG", tags: ["dags"], operationId: "getDagSource", params: dagIdParam, response: responses({ 200: dagSourceSchema }, 400, 404, ...AUTH_ERRORS) } },
    async (request) => {
      // Only the file the registry loaded this DAG from is read: the id never becomes a path.
      const entry = ctx.dags.get(request.params.dagId);
      if (!entry) throw notFound(`DAG "${request.params.dagId}" is not loaded by this server`);
      return { dagId: entry.dag.id, file: entry.file, source: await readFile(entry.file, "utf8") };
    },
  );

  app.get(
    "/dags/:dagId/versions",
    { config: { access: "viewer" }, schema: {
        summary: "The versions of a DAG that runs used, newest first",
        tags: ["dags"],
        operationId: "listDagVersions",
        params: dagIdParam,
        response: responses({ 200: dagVersionListSchema }, 400, ...AUTH_ERRORS),
      },
    },
    async (request) => ({
      versions: (await ctx.store.listDagVersions(request.params.dagId)).map((v) => ({ version: v.version, createdAt: v.createdAt, tasks: v.graph.tasks.map((t) => t.id) })),
    }),
  );

  app.get(
    "/dags/:dagId/versions/:version",
    {
      config: { access: "viewer" },
      schema: {
        summary: "One version of a DAG: the graph and source a run used (tasks removed since included)",
        tags: ["dags"],
        operationId: "getDagVersion",
        response: responses({ 200: dagVersionSchema }, 400, 404, ...AUTH_ERRORS),
        params: z.object({ dagId: z.string().min(1).max(250), version: z.string().min(1).max(100) }),
      },
    },
    async (request) => {
      const version = await ctx.store.getDagVersion(request.params.dagId, request.params.version);
      if (!version) throw notFound(`DAG "${request.params.dagId}" has no version "${request.params.version}"`);
      return version;
    },
  );

  app.patch(
    "/dags/:dagId",
    {
      config: { access: "operator" },
      schema: {
        summary: "Pause or unpause a DAG",
        tags: ["dags"],
        operationId: "setDagPaused",
        params: dagIdParam,
        body: z.strictObject({ isPaused: z.boolean() }),
        response: responses({ 200: dagSummarySchema }, 400, 404, ...AUTH_ERRORS),
      },
    },
    async (request) => {
      const { dagId } = request.params;
      const entry = ctx.dags.get(dagId);
      const now = ctx.now();
      // A DAG the scheduler has not recorded yet (a new file) is recorded first, so pausing it sticks.
      if (entry && !(await ctx.store.getDag(dagId))) await ctx.store.upsertDag({ dagId, file: entry.file, graph: entry.dag.graph, now });
      if (!(await ctx.store.setDagPaused(dagId, request.body.isPaused, now))) throw notFound(`DAG "${dagId}" not found`);
      await ctx.store.access.appendAudit({
        actor: actorOf(request.principal),
        action: request.body.isPaused ? "dag.pause" : "dag.unpause",
        target: dagId,
        now,
      });
      const record = await ctx.store.getDag(dagId);
      return dagSummary(dagId, entry, record, now);
    },
  );

  app.get("/import-errors", { config: { access: "viewer" }, schema: { summary: "DAG files that failed to load", tags: ["dags"], operationId: "listImportErrors", response: responses({ 200: importErrorsSchema }, ...AUTH_ERRORS) } }, async () => ({
    importErrors: importErrors(ctx),
  }));
};

function importErrors(ctx: ApiContext) {
  return ctx.dags.importErrors().map((e) => ({ file: e.location.file ?? null, message: e.describe() }));
}

export function dagSummary(dagId: string, entry: RegisteredDag | undefined, record: DagRecord | undefined, now: Date) {
  const options = entry?.dag.options;
  const next = entry ? nextScheduledRun(entry, now) : undefined;
  return {
    dagId,
    description: options?.description ?? null,
    file: entry?.file ?? record?.file ?? null,
    isPaused: record?.isPaused ?? false,
    tags: [...(options?.tags ?? [])],
    schedule: options ? scheduleJson(options.schedule) : null,
    scheduleText: options && entry ? describeScheduleInWords(entry.schedule, options.timezone) : null,
    timezone: options?.timezone ?? null,
    catchup: options?.catchup ?? null,
    startDate: entry?.startDate ?? null,
    endDate: entry?.endDate ?? null,
    maxActiveRuns: options?.maxActiveRuns ?? null,
    maxActiveTasks: options?.maxActiveTasks ?? null,
    /** The version new runs (and cleared tasks) run with: hash of the loaded structure and source. */
    version: entry ? dagVersion(entry.dag.graph, entry.source) : null,
    nextRun: next ? { logicalDate: next.interval.start, dataIntervalStart: next.interval.start, dataIntervalEnd: next.interval.end, createdAt: next.createdAt } : null,
  };
}

function scheduleJson(schedule: unknown): unknown {
  if (Array.isArray(schedule)) return schedule.map((d: { uri: string }) => d.uri);
  if (schedule !== null && typeof schedule === "object" && "datasets" in schedule) {
    const s = schedule as { datasets: { uri: string }[]; when?: string };
    return { datasets: s.datasets.map((d) => d.uri), when: s.when ?? "all" };
  }
  return schedule;
}

/**
 * How late the scheduler created the latest scheduled runs after their intervals ended (the
 * figure behind tributary_scheduler_lag_seconds). Runs created by catchup for long-past intervals
 * count as late too: they are.
 */
function schedulerLag(runs: readonly DagRunRecord[]): { runs: number; latestSeconds: number; maxSeconds: number } | null {
  const lags = runs.map((run) => Math.max(0, run.createdAt.getTime() - run.dataIntervalEnd.getTime()) / 1000);
  if (lags.length === 0) return null;
  return { runs: lags.length, latestSeconds: lags[0] ?? 0, maxSeconds: Math.max(...lags) };
}

export function runSummary(run: DagRunRecord) {
  return { runId: run.runId, state: run.state, runType: run.runType, logicalDate: run.logicalDate, startedAt: run.startedAt, endedAt: run.endedAt };
}

