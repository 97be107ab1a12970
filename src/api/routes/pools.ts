/**
 * Pools: every pool with its occupancy (for everyone: it explains why tasks wait in the queue),
 * and setting or deleting one (admins, like `tributary pools`).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { POOL_NAME, POOL_NAME_RULE } from "../../core/pool-name.js";
import { actorOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { poolListSchema, poolSettingsSchema } from "../responses/admin.js";
import { AUTH_ERRORS, noContent, responses } from "../responses/responses.js";

const poolParam = z.object({ name: z.string().regex(POOL_NAME, POOL_NAME_RULE) });

export const poolRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.get(
    "/pools",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Pools with their slots and occupancy (running and queued task instances); pools that tasks name but nobody configured have `slots: null` (no limit)",
        tags: ["pools"],
        operationId: "listPools",
        response: responses({ 200: poolListSchema }, ...AUTH_ERRORS),
      },
    },
    async () => {
      const [pools, usage] = await Promise.all([ctx.store.listPools(), ctx.store.listPoolUsage()]);
      const used = new Map(usage.map((u) => [u.pool, u]));
      const configured = pools.map((p) => ({ ...p, running: used.get(p.name)?.running ?? 0, queued: used.get(p.name)?.queued ?? 0 }));
      const unconfigured = usage.filter((u) => !pools.some((p) => p.name === u.pool)).map((u) => ({ name: u.pool, slots: null, description: null, running: u.running, queued: u.queued }));
      return { pools: [...configured, ...unconfigured].sort((a, b) => a.name.localeCompare(b.name)) };
    },
  );

  app.put(
    "/pools/:name",
    {
      config: { access: "admin" },
      schema: {
        summary: "Create a pool or set its slots and description (an absent description clears it)",
        tags: ["pools"],
        operationId: "setPool",
        params: poolParam,
        response: responses({ 200: poolSettingsSchema }, 400, ...AUTH_ERRORS),
        body: z.strictObject({ slots: z.number().int().min(0).max(1_000_000), description: z.string().max(500).optional() }),
      },
    },
    async (request) => {
      const { name } = request.params;
      const { slots, description } = request.body;
      await ctx.store.setPool({ name, slots, description, now: ctx.now() });
      await ctx.store.access.appendAudit({ actor: actorOf(request.principal), action: "pool.set", target: name, details: { slots, description: description ?? null }, now: ctx.now() });
      return { name, slots, description: description ?? null };
    },
  );

  app.delete(
    "/pools/:name",
    { config: { access: "admin" }, schema: { summary: "Delete a pool: its tasks run without a limit", tags: ["pools"], operationId: "deletePool", params: poolParam, response: responses({ 204: noContent }, 400, 404, ...AUTH_ERRORS) } },
    async (request, reply) => {
      if (!(await ctx.store.deletePool(request.params.name))) throw notFound(`no pool "${request.params.name}"`);
      await ctx.store.access.appendAudit({ actor: actorOf(request.principal), action: "pool.delete", target: request.params.name, now: ctx.now() });
      return reply.status(204).send();
    },
  );
};
