/**
 * Calls one task's code the way its kind asks (`task`, `branch`, `map`, `sensor`, `shell`),
 * wherever the try runs (run-try-here.ts), and returns its raw result.
 */
import { renderShellTemplate, templateVariables } from "../core/templating.js";
import { secretEnvVar } from "../secrets/names.js";
import type { BranchChoice, InputsSpec, InputValues, TaskContext, TaskDefinition } from "../dsl/types.js";
import { TASK_REF_BRAND } from "../dsl/types.js";
import { runShellCommand } from "./run-shell-command.js";
import { normalisePokeResult } from "../core/sensor-wait.js";
import { buildSensorContext } from "./sensor-context.js";
import { withParamEnv } from "./param-env.js";
import type { TaskRunRequest } from "./task-protocol.js";

export interface ShellIo {
  readonly onLine: (stream: "stdout" | "stderr", line: string) => void;
  readonly onProcessGroup: (pgid: number | null) => void;
  /**
   * The environment the command starts from (default: this process's, which in a task process is
   * allow-listed already; an inline try passes the allow-listed copy of the worker's).
   */
  readonly env?: NodeJS.ProcessEnv;
}

export async function runTaskDefinition(
  definition: TaskDefinition,
  ctx: TaskContext,
  request: TaskRunRequest,
  shellIo: ShellIo,
): Promise<unknown> {
  // Upstream results come as JSON with the request; dataset inputs are the definition's own objects.
  if (definition.kind === "approval") {
    // The worker answers for an approval itself (worker/approval-wait.ts): no code of it ever runs.
    throw new Error(`task "${request.taskId}" is an approval: it has no code to run`);
  }
  const inputs = (definition.kind === "shell" ? {} : { ...request.inputs, ...definition.datasetInputs }) as InputValues<InputsSpec>;
  switch (definition.kind) {
    case "task":
      return definition.run(ctx, inputs);
    case "branch":
      return normaliseBranchChoice(await definition.run(ctx, inputs));
    case "map":
      return definition.run(ctx, request.item, inputs);
    case "sensor":
      // `{ done, value }` goes back to the worker, which records a poke that found nothing as a wait.
      return normalisePokeResult(await definition.run(buildSensorContext(ctx, request.poke), inputs));
    case "shell": {
      const secrets = shellSecrets(definition.command, ctx, request, shellIo.env ?? process.env);
      const command = renderShellTemplate(
        definition.command,
        {
          ds: request.ds,
          ds_nodash: ctx.dsNodash,
          logical_date: request.logicalDate,
          data_interval_start: request.dataIntervalStart,
          data_interval_end: request.dataIntervalEnd,
          run_id: request.runId,
          params: request.params,
          secrets: secrets.variables,
        },
        { dagId: request.dagId, taskId: request.taskId },
      );
      return runShellCommand(command, {
        signal: ctx.signal,
        onLine: shellIo.onLine,
        onProcessGroup: shellIo.onProcessGroup,
        env: withParamEnv(secrets.env, request.params),
      });
    }
  }
}

/**
 * A shell task's declared secrets reach its command as environment variables only. Each secret its
 * template names must be available (`ctx.secrets.get` throws the error that says why not); the
 * others are passed when a backend holds them, for scripts that read the variables themselves.
 */
function shellSecrets(
  template: string,
  ctx: TaskContext,
  request: TaskRunRequest,
  baseEnv: NodeJS.ProcessEnv,
): { variables: Record<string, string>; env: NodeJS.ProcessEnv } {
  const variables: Record<string, string> = {};
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  const used = new Set(templateVariables(template).filter((n) => n.startsWith("secrets.")).map((n) => n.slice("secrets.".length)));
  for (const name of request.declaredSecrets ?? Object.keys(request.secrets)) {
    variables[name] = secretEnvVar(name);
    if (used.has(name) || ctx.secrets.has(name)) env[secretEnvVar(name)] = ctx.secrets.get(name);
  }
  return { variables, env };
}

/** A branch may answer with an id, a task ref, a list of either, or `null` (follow nothing). */
export function normaliseBranchChoice(choice: BranchChoice | undefined): string[] {
  if (choice === null || choice === undefined) return [];
  const items: readonly unknown[] = Array.isArray(choice) ? choice : [choice];
  return items.map((item) => {
    if (typeof item === "string") return item;
    if (isTaskRef(item)) return item.id;
    throw new TypeError(
      `a branch must return task ids or task refs (a string, a ref, a list of them, or null); got ${describe(item)}`,
    );
  });
}

function isTaskRef(value: unknown): value is { readonly id: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    TASK_REF_BRAND in value &&
    typeof (value as { readonly id?: unknown }).id === "string"
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a nested array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
