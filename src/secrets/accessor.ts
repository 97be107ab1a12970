/**
 * `ctx.secrets` inside a task: `get(name)` returns a secret the task declared in its `secrets`
 * option, and throws an error naming the secret and the task otherwise, so a typo or a missing
 * setting fails the try with a message that says what to fix.
 */
import { NotFoundError } from "../core/errors.js";
import type { TaskSecrets } from "../dsl/types.js";

export interface SecretAccessorInput {
  readonly dagId: string;
  readonly taskId: string;
  /** The names the task declared. */
  readonly declared: readonly string[];
  /** Values resolved for this try, by name. */
  readonly values: Readonly<Record<string, string>>;
  /** Why each declared name without a value is unavailable. */
  readonly unavailable: Readonly<Record<string, string>>;
}

/** A secret that is not declared by the task, or declared but not found in any backend. */
export class SecretUnavailableError extends NotFoundError {
  readonly secret: string;

  constructor(secret: string, message: string, location: { dagId: string; taskId: string }) {
    super(message, { ...location, field: "secrets" });
    this.name = "SecretUnavailableError";
    this.secret = secret;
  }
}

export function createSecretAccessor(input: SecretAccessorInput): TaskSecrets {
  const declared = new Set(input.declared);
  const values = new Map(Object.entries(input.values));
  const task = `task "${input.taskId}" of DAG "${input.dagId}"`;
  const location = { dagId: input.dagId, taskId: input.taskId };
  const accessor: TaskSecrets = {
    get(name: string): string {
      if (typeof name !== "string" || !declared.has(name)) {
        const listed = input.declared.length > 0 ? `it declares ${input.declared.map((n) => `"${n}"`).join(", ")}` : "it declares none";
        throw new SecretUnavailableError(
          String(name),
          `secret "${String(name)}" is not declared by ${task}: add it to the task's secrets option (${listed})`,
          location,
        );
      }
      const value = values.get(name);
      if (value === undefined) {
        const reason = input.unavailable[name] ?? `secret "${name}" is not set`;
        throw new SecretUnavailableError(name, `${reason} (needed by ${task})`, location);
      }
      return value;
    },
    has(name: string): boolean {
      return declared.has(name) && values.has(name);
    },
  };
  return Object.freeze(accessor);
}
