/** Answers about durable steps (`ctx.step`, docs/durable-steps.md): what each completed step of a task instance was. */
import { z } from "zod";
import { timestamp } from "./responses.js";

const stepShape = {
  number: z.number().describe("the step's position in call order, from 1"),
  name: z.string(),
  kind: z
    .enum(["run", "sleep", "event"])
    .describe("run: a function called once, its result kept; sleep: a ctx.sleep, its result the wake-up time; event: a ctx.waitForEvent named after its event, its result the payload (null while waiting or timed out)"),
  tryNumber: z.number().describe("the try that completed the step; later tries replay its result"),
  startedAt: timestamp,
  endedAt: timestamp.describe("when it completed; for an event step still waiting, its deadline"),
  waiting: z.boolean().describe("an event step the event has not reached (yet): waiting until endedAt, or timed out once that has passed"),
  resultBytes: z.number().describe("the size of the stored result, as JSON"),
  resultPreview: z.string().describe("the stored result as JSON, cut after 200 characters"),
};

export const taskStepSchema = z.object(stepShape).meta({ id: "TaskStep" });

/** A step among a run's steps: which task instance it belongs to, for the Gantt view. */
export const runStepSchema = z.object({ taskId: z.string(), mapIndex: z.number().nullable(), ...stepShape }).meta({ id: "RunStep" });
