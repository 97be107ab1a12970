/**
 * Lineage (docs/architecture.md §7): what is downstream or upstream of a dataset, task or DAG; the datasets with
 * their freshness; dataset updates reported by external systems (they trigger data-aware DAGs).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { LineageService, listDatasets, recordExternalDatasetEvent } from "../../lineage/index.js";
import { actorOf, type ApiContext } from "../context.js";
import { datasetEventSchema, datasetListSchema, lineageResultSchema } from "../responses/lineage.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";

export const lineageRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  // One per server: it caches the graph and refreshes it when DAGs or dataset events change.
  const lineage = new LineageService(ctx.store);

  app.get(
    "/lineage",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The datasets, tasks and DAGs downstream (affected by) or upstream (feeding) a dataset URI, dag:<id> or task:<dag>.<task>",
        tags: ["lineage"],
        operationId: "getLineage",
        response: responses({ 200: lineageResultSchema }, 400, 404, ...AUTH_ERRORS),
        querystring: z.object({
          target: z.string().min(1).max(2_000),
          direction: z.enum(["downstream", "upstream"]).default("downstream"),
          depth: z.coerce.number().int().min(1).max(100).optional(),
        }),
      },
    },
    async (request) => {
      const { target, direction, depth } = request.query;
      return direction === "downstream" ? lineage.downstream(target, { depth }) : lineage.upstream(target, { depth });
    },
  );

  app.get("/datasets", { config: { access: "viewer" }, schema: { summary: "Datasets with their last update, writer and freshness", tags: ["lineage"], operationId: "listDatasets", response: responses({ 200: datasetListSchema }, ...AUTH_ERRORS) } }, async () => ({
    datasets: await listDatasets(ctx.store, lineage, ctx.now()),
  }));

  app.post(
    "/datasets/events",
    {
      config: { access: "operator" },
      schema: {
        summary: "Report that an external system updated a dataset (DAGs scheduled on it run)",
        tags: ["lineage"],
        operationId: "postDatasetEvent",
        response: responses({ 201: datasetEventSchema }, 400, ...AUTH_ERRORS),
        body: z.strictObject({
          uri: z.string().min(1).max(2_000),
          metadata: z.record(z.string().max(200), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()])).default({}),
        }),
      },
    },
    async (request, reply) => {
      const event = await recordExternalDatasetEvent(ctx.store, {
        uri: request.body.uri,
        metadata: request.body.metadata,
        source: actorOf(request.principal),
        now: ctx.now(),
      });
      return reply.status(201).send(event);
    },
  );
};
