/** Answers about human approvals (docs/approvals.md): the ones waiting, with their forms. */
import { z } from "zod";
import { approvalPolicySchema } from "./dags.js";
import { timestamp } from "./responses.js";

export const waitingApprovalSchema = z
  .object({
    runId: z.string(),
    dagId: z.string(),
    taskId: z.string(),
    mapIndex: z.number().nullable(),
    logicalDate: timestamp,
    requestedAt: timestamp.nullable().describe("When the approval started to wait"),
    deadline: timestamp.nullable().describe("When it times out without an answer"),
    policy: approvalPolicySchema.nullable().describe("Who answers, the form (JSON Schema) and what a timeout does; null when the DAG is not loaded"),
    canAnswer: z.boolean().describe("Whether the caller may answer it"),
  })
  .meta({ id: "WaitingApproval" });

export const waitingApprovalListSchema = z.object({ approvals: z.array(waitingApprovalSchema) }).meta({ id: "WaitingApprovalList" });
