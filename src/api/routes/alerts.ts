/** Alerts (docs/architecture.md §8): list (with occurrences), acknowledge (stops escalation), resolve; SLA misses. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ALERT_STATES, type AlertState } from "../../store/index.js";
import { actorOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { alertDetailSchema, alertListSchema, alertSchema, slaMissListSchema } from "../responses/alerts.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";

const alertIdParam = z.object({ id: z.coerce.number().int().min(1) });

export const alertRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.get(
    "/alerts",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Alerts, newest first, each with its occurrences (count, last seen, last run)",
        tags: ["alerts"],
        operationId: "listAlerts",
        response: responses({ 200: alertListSchema }, 400, ...AUTH_ERRORS),
        querystring: z.object({
          state: z.enum(ALERT_STATES as [AlertState, ...AlertState[]]).optional(),
          dagId: z.string().max(250).optional(),
          limit: z.coerce.number().int().min(1).max(1_000).default(100),
        }),
      },
    },
    async (request) => ({
      alerts: await ctx.store.alerts.listAlerts({
        states: request.query.state ? [request.query.state] : undefined,
        dagId: request.query.dagId,
        limit: request.query.limit,
      }),
    }),
  );

  app.get(
    "/alerts/:id",
    { config: { access: "viewer" }, schema: {
        summary: "An alert with its deliveries and their attempts",
        tags: ["alerts"],
        operationId: "getAlert",
        params: alertIdParam,
        response: responses({ 200: alertDetailSchema }, 400, 404, ...AUTH_ERRORS),
      },
    },
    async (request) => {
      const alert = await ctx.store.alerts.getAlert(request.params.id);
      if (!alert) throw notFound(`alert ${request.params.id} not found`);
      return {
        ...alert,
        deliveries: await ctx.store.alerts.listAlertDeliveries(alert.id),
        attempts: await ctx.store.alerts.listDeliveryAttempts(alert.id),
      };
    },
  );

  for (const action of ["ack", "resolve"] as const) {
    app.post(
      `/alerts/:id/${action}`,
      {
        config: { access: "operator" },
        schema: {
          summary:
            action === "ack"
              ? "Acknowledge an alert: its escalation stops (no page, no ticket)"
              : "Resolve an alert: the channels already told hear of it (Slack, PagerDuty...)",
          tags: ["alerts"],
          operationId: action === "ack" ? "ackAlert" : "resolveAlert",
          params: alertIdParam,
          response: responses({ 200: alertSchema }, 400, 404, ...AUTH_ERRORS),
        },
      },
      async (request) => {
        if (!(await ctx.store.alerts.getAlert(request.params.id))) throw notFound(`alert ${request.params.id} not found`);
        const input = { id: request.params.id, by: actorOf(request.principal), now: ctx.now() };
        const alert = action === "ack" ? await ctx.store.alerts.ackAlert(input) : await ctx.store.alerts.resolveAlert(input);
        await ctx.store.access.appendAudit({ actor: input.by, action: `alert.${action}`, target: String(alert.id), now: input.now });
        return alert;
      },
    );
  }

  app.get(
    "/sla-misses",
    {
      config: { access: "viewer" },
      schema: {
        summary: "SLA and task deadline misses, newest first",
        tags: ["alerts"],
        operationId: "listSlaMisses",
        response: responses({ 200: slaMissListSchema }, 400, ...AUTH_ERRORS),
        querystring: z.object({ dagId: z.string().max(250).optional(), runId: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(1_000).default(100) }),
      },
    },
    async (request) => ({ slaMisses: await ctx.store.alerts.listSlaMisses(request.query) }),
  );
};
