/**
 * The builder handed to a `dag()` callback: `d.task`, `d.shell`, `d.branch`, `d.map`, `d.sensor`, `d.approval`. It records
 * one declaration per call, checked on the spot, and hands back a ref to the new task.
 */
import { DagDefinitionError } from "../core/errors.js";
import type { TaskKind } from "../core/types.js";
import { assertTemplateVariables } from "../core/templating.js";
import { assertId } from "./ids.js";
import { declareTask, type TaskDeclaration } from "./task-declaration.js";
import { createTaskRef } from "./task-ref.js";
import type { DagBuilder, TaskRef } from "./types.js";

export interface BuildSession<P> {
  readonly builder: DagBuilder<P>;
  readonly declarations: readonly TaskDeclaration[];
  /** Ends the session: a builder kept past its `dag()` call must not add tasks to a finished DAG. */
  close(): void;
}

/** `paramNames` (when the DAG has a params schema) lets shell templates be checked for typos. */
export function startBuild<P>(dagId: string, paramNames: readonly string[] | undefined): BuildSession<P> {
  const declarations: TaskDeclaration[] = [];
  const ids = new Set<string>();
  const ownRefs = new WeakSet<TaskRef<unknown>>();
  let open = true;
  const scope = { dagId, ownsRef: (ref: TaskRef<unknown>) => ownRefs.has(ref) };

  const declare = <T>(kind: TaskKind, id: unknown, options: unknown, body: Parameters<typeof declareTask>[3]): TaskRef<T> => {
    if (!open) {
      throw new DagDefinitionError(`d.${kind}(${JSON.stringify(id)}) was called after dag() returned; declare tasks inside the callback`, {
        dagId,
      });
    }
    assertId("task", id, { dagId, taskId: typeof id === "string" ? id : String(id), field: "id" });
    if (ids.has(id)) throw new DagDefinitionError(`duplicate task id "${id}"`, { dagId, taskId: id, field: "id" });
    const declaration = declareTask(kind, id, options ?? {}, body, scope);
    if (declaration.definition.kind === "shell") {
      assertTemplateVariables(declaration.definition.command, { dagId, taskId: id, field: "command" }, paramNames, declaration.secrets);
    }
    ids.add(id);
    declarations.push(declaration);
    const ref = createTaskRef<T>(id);
    ownRefs.add(ref);
    return ref;
  };

  const builder: DagBuilder<P> = {
    // `d.task(id, fn)` or `d.task(id, options, fn)`.
    task: ((id: string, optionsOrFn: unknown, fn?: unknown) =>
      typeof optionsOrFn === "function" && fn === undefined
        ? declare("task", id, {}, { kind: "function", fn: optionsOrFn })
        : declare("task", id, optionsOrFn, { kind: "function", fn })) as DagBuilder<P>["task"],
    shell: (id, options, command) => declare("shell", id, options, { kind: "command", command }),
    branch: (id, options, fn) => declare("branch", id, options, { kind: "function", fn }),
    map: (id, options, fn) => declare("map", id, options, { kind: "function", fn }),
    sensor: (id, options) => {
      const poke: unknown = typeof options === "object" && options !== null ? (options as { poke?: unknown }).poke : undefined;
      return declare("sensor", id, options, { kind: "function", fn: poke });
    },
    // No code: the declaration's definition is the form (task-declaration.ts).
    approval: (id, options) => declare("approval", id, options, { kind: "function", fn: undefined }),
  };

  return {
    builder,
    declarations,
    close: () => {
      open = false;
    },
  };
}
