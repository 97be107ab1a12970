/**
 * Checks a person's answer to an approval against the approval's form (docs/approvals.md): the
 * API, the CLI and the testing kit all check answers here, with the DAG's own zod schema, so an
 * answer downstream tasks receive has the form's shape (its defaults applied, its transforms run).
 */
import { DagDefinitionError, DagNotFoundError, ParamsError } from "../core/errors.js";
import type { Dag } from "./types.js";

/** The answer as the form parsed it, as JSON; ParamsError (field `answer.<path>`) when it does not fit. */
export function parseApprovalAnswer(dag: Dag<unknown>, taskId: string, answer: unknown): unknown {
  const definition = dag.definitions.get(taskId);
  if (definition?.kind !== "approval") {
    throw new DagNotFoundError(`task "${taskId}" of DAG "${dag.id}" is not an approval`, { dagId: dag.id, taskId, field: "taskId" });
  }
  let parsed: ReturnType<typeof definition.form.safeParse>;
  try {
    parsed = definition.form.safeParse(answer ?? {});
  } catch (error) {
    // An async refinement or a transform that throws: the DAG's form, not the answer, is at fault.
    throw new DagDefinitionError(`the form of approval "${taskId}" cannot check an answer: ${error instanceof Error ? error.message : String(error)}`, {
      dagId: dag.id,
      taskId,
      field: "form",
    });
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String) ?? [];
    const where = path.length > 0 ? `${path.join(".")}: ` : "";
    throw new ParamsError(`the answer does not fit the form of approval "${taskId}": ${where}${issue?.message ?? "invalid"}`, {
      dagId: dag.id,
      taskId,
      field: ["answer", ...path].join("."),
    });
  }
  // What downstream tasks receive travels as JSON (a Date becomes its ISO text).
  return JSON.parse(JSON.stringify(parsed.data ?? null)) as unknown;
}
