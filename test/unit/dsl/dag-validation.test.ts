import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DagDefinitionError } from "../../../src/core/errors.js";
import { dag, dataset } from "../../../src/dsl/index.js";
import type { DagBuilder, DagOptions, TaskRef } from "../../../src/dsl/types.js";

/** The `DagDefinitionError` that `define` throws (fails the test if it throws nothing or something else). */
function definitionError(define: () => unknown): DagDefinitionError {
  try {
    define();
  } catch (error) {
    expect(error).toBeInstanceOf(DagDefinitionError);
    expect((error as DagDefinitionError).code).toBe("DAG_INVALID");
    return error as DagDefinitionError;
  }
  throw new Error("expected a DagDefinitionError, but nothing was thrown");
}

/** A DAG "d" whose options come from JavaScript, untyped. */
function withOptions(options: Record<string, unknown>, build: (d: DagBuilder<Record<string, unknown>>) => void = () => undefined) {
  return () => dag("d", options as DagOptions<Record<string, unknown>>, build);
}

/** A DAG "d" with one task "t" whose options come from JavaScript, untyped. */
function withTaskOptions(options: Record<string, unknown>) {
  return () =>
    dag("d", {}, (d) => {
      d.task("up", () => 1);
      d.task("t", options as never, () => 1);
    });
}

describe("ids", () => {
  it.each(["", "1abc", "_abc", "has space", "a/b", "ä", "a".repeat(251)])("rejects the DAG id %j", (id) => {
    const error = definitionError(() => dag(id, {}, () => undefined));
    expect(error.message).toMatch(/^invalid DAG id ".*": use a letter followed by letters, digits/);
    expect(error.location).toEqual({ dagId: id, field: "id" });
  });

  it("accepts letters, digits, _ . - up to 250 characters", () => {
    expect(dag("a", {}, () => undefined).id).toBe("a");
    expect(dag("Sales.daily_v2-eu", {}, () => undefined).id).toBe("Sales.daily_v2-eu");
    expect(dag(`a${"b".repeat(249)}`, {}, () => undefined).id).toHaveLength(250);
  });

  it("rejects a bad task id, naming the task", () => {
    const error = definitionError(() => dag("d", {}, (d) => void d.task("bad id", () => 1)));
    expect(error.message).toContain('invalid task id "bad id"');
    expect(error.location).toEqual({ dagId: "d", taskId: "bad id", field: "id" });
  });

  it("rejects a duplicate task id", () => {
    const error = definitionError(() =>
      dag("d", {}, (d) => {
        d.task("a", () => 1);
        d.shell("a", {}, "true");
      }),
    );
    expect(error.message).toBe('duplicate task id "a"');
    expect(error.location).toEqual({ dagId: "d", taskId: "a", field: "id" });
    expect(error.describe()).toBe('DAG "d", task "a", field "id": duplicate task id "a"');
  });
});

describe("dependencies", () => {
  it("rejects `after` naming an unknown task id, listing it", () => {
    const error = definitionError(() =>
      dag("d", {}, (d) => {
        d.task("a", () => 1);
        d.task("b", { after: ["a", "nope", "missing"] }, () => 1);
      }),
    );
    expect(error.message).toBe('after names unknown task "nope", "missing"; tasks of this DAG: a, b');
    expect(error.location).toEqual({ dagId: "d", taskId: "b", field: "after" });
  });

  it("names a cycle in run order, from the task whose `after` closes it", () => {
    const error = definitionError(() =>
      dag("d", {}, (d) => {
        d.task("start", () => 1);
        const a = d.task("a", { after: ["c"] }, () => 1);
        const b = d.task("b", { after: [a] }, () => 1);
        d.task("c", { after: [b, "start"] }, () => 1);
      }),
    );
    expect(error.message).toBe("cycle: a -> b -> c -> a");
    expect(error.location).toEqual({ dagId: "d", taskId: "a", field: "after" });
  });

  it("finds a cycle through inputs and after", () => {
    const error = definitionError(() =>
      dag("d", {}, (d) => {
        const x = d.task("x", { after: ["z"] }, () => 1);
        const y = d.task("y", { inputs: { x } }, () => 1);
        d.task("z", { inputs: { y } }, () => 1);
      }),
    );
    expect(error.message).toBe("cycle: x -> y -> z -> x");
  });

  it("rejects a task that waits for itself", () => {
    const error = definitionError(() => dag("d", {}, (d) => void d.task("self", { after: ["self"] }, () => 1)));
    expect(error.message).toBe("cycle: self -> self");
    expect(error.location.taskId).toBe("self");
  });

  it("rejects a map over a task of another DAG", () => {
    let foreign: TaskRef<number[]> | undefined;
    dag("other", {}, (d) => {
      foreign = d.task("numbers", () => [1, 2]);
    });
    const error = definitionError(() =>
      dag("d", {}, (d) => {
        d.task("numbers", () => [1]);
        d.map("each", { over: foreign as TaskRef<number[]> }, (_ctx, n) => n);
      }),
    );
    expect(error.message).toBe('over names task "numbers" of another DAG');
    expect(error.location).toEqual({ dagId: "d", taskId: "each", field: "over" });
  });

  it("rejects a map without `over`, or with a string", () => {
    const missing = definitionError(() => dag("d", {}, (d) => void d.map("each", {} as never, () => 1)));
    expect(missing.message).toContain("a map task needs `over`");
    expect(missing.location).toEqual({ dagId: "d", taskId: "each", field: "over" });
    const text = definitionError(() =>
      dag("d", {}, (d) => {
        d.task("numbers", () => [1]);
        d.map("each", { over: "numbers" } as never, () => 1);
      }),
    );
    expect(text.message).toBe("over must be a task ref returned by d.task, d.map...");
  });

  it("rejects refs of another DAG in inputs and after", () => {
    let foreign: TaskRef<number> | undefined;
    dag("other", {}, (d) => {
      foreign = d.task("a", () => 1);
    });
    const input = definitionError(() => dag("d", {}, (d) => void d.task("t", { inputs: { a: foreign as TaskRef<number> } }, () => 1)));
    expect(input.message).toBe('inputs.a names task "a" of another DAG');
    expect(input.location.field).toBe("inputs.a");
    const after = definitionError(() => dag("d", {}, (d) => void d.task("t", { after: [foreign as TaskRef<number>] }, () => 1)));
    expect(after.location.field).toBe("after[0]");
  });

  it("rejects inputs that are neither task refs nor datasets, and outputs that are not datasets", () => {
    const input = definitionError(withTaskOptions({ inputs: { raw: "postgres://warehouse/raw" } }));
    expect(input.message).toBe("inputs.raw must be a task ref or a dataset");
    expect(input.location).toEqual({ dagId: "d", taskId: "t", field: "inputs.raw" });
    const output = definitionError(withTaskOptions({ outputs: [dataset("s3://b/k"), "s3://b/x"] }));
    expect(output.location.field).toBe("outputs[1]");
    expect(definitionError(withTaskOptions({ after: "up" })).message).toBe("after must be a list");
    expect(definitionError(withTaskOptions({ secrets: [""] })).location.field).toBe("secrets[0]");
  });
});

describe("task options", () => {
  it("rejects an unknown option name, suggesting the near one", () => {
    const error = definitionError(withTaskOptions({ retry: 3 }));
    expect(error.message).toMatch(/^unknown option "retry" \(did you mean "retries"\?\); known options: inputs, after, /);
    expect(error.location).toEqual({ dagId: "d", taskId: "t", field: "retry" });
  });

  it("rejects an unknown option without a suggestion when nothing is near", () => {
    expect(definitionError(withTaskOptions({ colour: "red" })).message).toMatch(/^unknown option "colour"; known options:/);
  });

  it("does not accept inputs on a shell task, nor over outside map", () => {
    const shell = definitionError(() => dag("d", {}, (d) => void d.shell("s", { inputs: {} } as never, "true")));
    expect(shell.location).toEqual({ dagId: "d", taskId: "s", field: "inputs" });
    expect(definitionError(withTaskOptions({ over: "x" })).location.field).toBe("over");
  });

  it.each([
    [{ retryDelay: "30 sec" }, "retryDelay", 'invalid duration "30 sec"'],
    [{ maxRetryDelay: "soon" }, "maxRetryDelay", 'invalid duration "soon"'],
    [{ timeout: -5 }, "timeout", "invalid duration -5"],
    [{ timeout: "0s" }, "timeout", "timeout must be longer than 0"],
    [{ retryDelay: null }, "retryDelay", "invalid duration null"],
    [{ retries: -1 }, "retries", "retries must be a non-negative integer, got -1"],
    [{ retries: 1.5 }, "retries", "retries must be a non-negative integer, got 1.5"],
    [{ retries: "3" }, "retries", 'retries must be a non-negative integer, got "3"'],
    [{ triggerRule: "all_sucess" }, "triggerRule", 'unknown trigger rule "all_sucess"; expected one of all_success, all_failed'],
    [{ backoff: "linear" }, "backoff", 'unknown backoff "linear"; expected one of fixed, exponential'],
    [{ priority: 1.5 }, "priority", "priority must be an integer, got 1.5"],
    [{ jitter: 1.5 }, "jitter", "jitter must be true, false or a fraction between 0 and 1, got 1.5"],
    [{ jitter: -0.1 }, "jitter", "jitter must be true, false or a fraction between 0 and 1, got -0.1"],
    [{ pool: "" }, "pool", 'pool must be a non-empty string, got ""'],
  ])("rejects %j", (options, field, message) => {
    const error = definitionError(withTaskOptions(options));
    expect(error.message).toContain(message);
    expect(error.location).toEqual({ dagId: "d", taskId: "t", field });
  });

  it("checks the DAG's defaults the same way, naming defaults.<option>", () => {
    const delay = definitionError(withOptions({ defaults: { retryDelay: "thirty seconds" } }));
    expect(delay.message).toContain('invalid duration "thirty seconds"');
    expect(delay.location).toEqual({ dagId: "d", field: "defaults.retryDelay" });
    const retries = definitionError(withOptions({ defaults: { retries: -2 } }));
    expect(retries.message).toBe("defaults.retries must be a non-negative integer, got -2");
    const typo = definitionError(withOptions({ defaults: { retry: 3 } }));
    expect(typo.message).toMatch(/^unknown task default "retry" \(did you mean "retries"\?\)/);
    expect(typo.location).toEqual({ dagId: "d", field: "defaults.retry" });
    // Options that only make sense per task are not defaults.
    expect(definitionError(withOptions({ defaults: { secrets: ["X"] } })).location.field).toBe("defaults.secrets");
  });

  it("requires a function, and a command for shell tasks", () => {
    const fn = definitionError(() => dag("d", {}, (d) => void d.task("t", {}, "not a function" as never)));
    expect(fn.message).toBe("a task task needs a function as its last argument");
    const command = definitionError(() => dag("d", {}, (d) => void d.shell("s", {}, "  ")));
    expect(command.location).toEqual({ dagId: "d", taskId: "s", field: "command" });
  });
});

describe("DAG options", () => {
  it("rejects an unknown DAG option", () => {
    const error = definitionError(withOptions({ schedul: "@daily" }));
    expect(error.message).toMatch(/^unknown DAG option "schedul" \(did you mean "schedule"\?\); known DAG options: description, schedule/);
    expect(error.location).toEqual({ dagId: "d", field: "schedul" });
  });

  it("rejects an unknown timezone", () => {
    const error = definitionError(withOptions({ timezone: "Mars/Olympus_Mons" }));
    expect(error.message).toContain('unknown time zone "Mars/Olympus_Mons"');
    expect(error.location).toEqual({ dagId: "d", field: "timezone" });
  });

  it.each([
    ["startDate", "2024-13-01"],
    ["startDate", "yesterday"],
    ["endDate", "2024-02-30"],
    ["startDate", "2024-03-01T25:00:00Z"],
  ])("rejects %s %j", (field, value) => {
    const error = definitionError(withOptions({ [field]: value }));
    expect(error.message).toContain(`invalid date "${value}"`);
    expect(error.location).toEqual({ dagId: "d", field });
  });

  it("accepts dates and ISO timestamps, and rejects an end before the start", () => {
    expect(dag("d", { startDate: "2024-01-01", endDate: "2024-06-30T12:00:00+02:00" }, () => undefined).options.endDate).toBe(
      "2024-06-30T12:00:00+02:00",
    );
    const error = definitionError(withOptions({ startDate: "2024-02-01", endDate: "2024-01-01" }));
    expect(error.message).toBe("endDate 2024-01-01 is before startDate 2024-02-01");
    expect(error.location.field).toBe("endDate");
  });

  it("rejects a bad schedule when the DAG is defined", () => {
    expect(definitionError(withOptions({ schedule: "0 6 * *" })).location).toEqual({ dagId: "d", field: "schedule" });
    expect(definitionError(withOptions({ schedule: "@fortnightly" })).message).toContain('unknown schedule preset "@fortnightly"');
    expect(definitionError(withOptions({ schedule: ["s3://b/k"] })).location.field).toBe("schedule[0]");
  });

  it.each([
    [{ catchup: "yes" }, "catchup"],
    [{ tags: "a" }, "tags"],
    [{ description: 5 }, "description"],
    [{ maxActiveRuns: 0 }, "maxActiveRuns"],
    [{ maxActiveTasks: 2.5 }, "maxActiveTasks"],
    [{ defaults: [] }, "defaults"],
    [{ params: { region: "eu" } }, "params"],
    [{ events: "orders.loaded" }, "events[0]"],
    [{ events: ["ok", "has space"] }, "events[1]"],
  ])("rejects %j", (options, field) => {
    expect(definitionError(withOptions(options)).location).toEqual({ dagId: "d", field });
  });

  it("requires params to be an object schema", () => {
    const error = definitionError(withOptions({ params: z.string() }));
    expect(error.message).toBe("params must be a zod object schema, e.g. z.object({ region: z.string() })");
  });
});

describe("shell templates", () => {
  it("rejects an unknown template variable", () => {
    const error = definitionError(() => dag("d", {}, (d) => void d.shell("s", {}, "echo {{ dss }}")));
    expect(error.message).toContain('unknown template variable "dss"');
    expect(error.location).toEqual({ dagId: "d", taskId: "s", field: "command" });
  });

  it("rejects a param the schema does not declare", () => {
    const error = definitionError(() =>
      dag("d", { params: z.object({ region: z.string() }) }, (d) => void d.shell("s", {}, "echo '{{ params.regoin }}'")),
    );
    expect(error.message).toBe('unknown template variable "params.regoin": the DAG\'s params are region');
  });

  it("accepts built-ins and declared params", () => {
    const ok = dag("d", { params: z.object({ region: z.string() }) }, (d) => {
      d.shell("s", {}, "psql -c \"SELECT * FROM t WHERE date = '{{ ds }}' AND region = '{{ params.region }}'\"");
    });
    expect(ok.graph.tasks[0]?.kind).toBe("shell");
  });
});

describe("the build function", () => {
  it("must be synchronous", () => {
    const error = definitionError(() => dag("d", {}, (async () => undefined) as never));
    expect(error.message).toBe("the build function of dag() must be synchronous (it returned a promise)");
    expect(error.location).toEqual({ dagId: "d" });
  });

  it("cannot add tasks after dag() returned", () => {
    let kept: DagBuilder<Record<string, unknown>> | undefined;
    dag("d", {}, (d) => {
      kept = d;
    });
    const error = definitionError(() => kept?.task("late", () => 1));
    expect(error.message).toContain('d.task("late") was called after dag() returned');
  });

  it("lets an error thrown by the build function through", () => {
    expect(() =>
      dag("d", {}, () => {
        throw new RangeError("mine");
      }),
    ).toThrow(RangeError);
  });
});
