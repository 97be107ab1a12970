/**
 * Human approvals (docs/approvals.md): the list of approvals waiting for an answer (the UI's
 * "Waiting for me"), and the answer. An answer is checked against the approval's form with the
 * DAG's own zod schema (422 naming the field), by an approver (403 otherwise); it is audited.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { answerApproval } from "../../scheduler/answer-approval.js";
import { mayAnswer, requireApprover } from "../auth/approvers.js";
import { actorOf, type ApiContext } from "../context.js";
import { conflict, notFound } from "../errors.js";
import { requireRun } from "../lookups.js";
import { waitingApprovalListSchema } from "../responses/approvals.js";
import { AUTH_ERRORS, responses } from "../responses/responses.js";
import { taskInstanceSchema } from "../responses/tasks.js";
import { taskParams } from "../route-schemas.js";
import { specOf } from "../../core/graph-index.js";

export const approvalRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  app.get(
    "/approvals",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Approvals waiting for an answer, oldest request first (`mine=true`: only those the caller may answer)",
        tags: ["approvals"],
        operationId: "listWaitingApprovals",
        querystring: z.object({ mine: z.enum(["true", "false"]).default("false"), dagId: z.string().min(1).max(250).optional() }),
        response: responses({ 200: waitingApprovalListSchema }, 400, ...AUTH_ERRORS),
      },
    },
    async (request) => {
      const { dagId, mine } = request.query;
      const waiting = await ctx.store.listWaitingApprovals(dagId === undefined ? {} : { dagIds: [dagId] });
      const approvals = waiting.map(({ instance, run }) => {
        const policy = specOf(ctx.dags.get(instance.dagId)?.dag.graph, instance.taskId)?.approval ?? null;
        return {
          runId: run.runId,
          dagId: run.dagId,
          taskId: instance.taskId,
          mapIndex: instance.mapIndex,
          logicalDate: run.logicalDate,
          requestedAt: instance.waitingSince,
          deadline: instance.wakeAt,
          policy,
          canAnswer: policy !== null && mayAnswer(policy.approvers, request.principal),
        };
      });
      return { approvals: mine === "true" ? approvals.filter((a) => a.canAnswer) : approvals };
    },
  );

  app.post(
    "/runs/:runId/tasks/:taskId/approval",
    {
      // Named approvers may be viewers: who may answer is the approval's own rule, checked below.
      config: { access: "viewer" },
      schema: {
        summary: "Answer a human approval: approve with an answer that fits its form, or reject",
        tags: ["approvals"],
        operationId: "answerApproval",
        params: taskParams,
        body: z.strictObject({
          decision: z.enum(["approve", "reject"]),
          answer: z.record(z.string(), z.unknown()).optional().describe("The form's values (approve only)"),
          comment: z.string().max(2_000).optional().describe("Why: kept in the state history; a rejection's error"),
          mapIndex: z.number().int().min(0).nullable().optional(),
        }),
        response: responses({ 200: taskInstanceSchema }, 400, 403, 404, 409, 422, ...AUTH_ERRORS),
      },
    },
    async (request) => {
      const run = await requireRun(ctx, request.params.runId);
      const { taskId } = request.params;
      const entry = ctx.dags.get(run.dagId);
      const spec = specOf(entry?.dag.graph, taskId);
      if (!entry) throw conflict(`DAG "${run.dagId}" is not loaded: its approval's form cannot be checked (fix or restore the DAG file)`);
      if (!spec?.approval) throw notFound(`DAG "${run.dagId}" has no approval "${taskId}"`);
      requireApprover(spec.approval.approvers, request.principal, `approval "${taskId}" of DAG "${run.dagId}"`);
      const { decision, comment, answer } = request.body;
      return answerApproval(ctx.store, entry.dag, entry.code, {
        runId: run.runId,
        taskId,
        mapIndex: request.body.mapIndex ?? null,
        decision,
        ...(answer === undefined ? {} : { answer }),
        ...(comment === undefined ? {} : { comment }),
        actor: actorOf(request.principal),
        now: ctx.now(),
      });
    },
  );
};
