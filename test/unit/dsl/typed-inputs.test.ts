/**
 * Type-level tests: results flow, typed, from upstream tasks into `inputs`, map items and
 * `ctx.params`. They run as ordinary tests too (the DAGs are built), but what they check is
 * what `tsc` infers.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { dag, dataset } from "../../../src/dsl/index.js";
import type { Dataset, TaskRef } from "../../../src/dsl/types.js";

interface Customer {
  readonly id: string;
  readonly segment: "smb" | "enterprise";
}
interface Order {
  readonly customerId: string;
  readonly cents: number;
}

describe("typed inputs", () => {
  it("hands each task the results of its inputs, unwrapping promises", () => {
    dag("typed", {}, (d) => {
      const crm = d.task("extract_crm", async (): Promise<Customer[]> => []);
      const erp = d.task("extract_erp", (): Order[] => []);
      expectTypeOf(crm).toEqualTypeOf<TaskRef<Customer[]>>();
      expectTypeOf(erp).toEqualTypeOf<TaskRef<Order[]>>();

      const joined = d.task("join", { inputs: { crm, erp } }, async (_ctx, inputs) => {
        expectTypeOf(inputs).toEqualTypeOf<{ readonly crm: Customer[]; readonly erp: Order[] }>();
        return inputs.erp.map((order) => ({ ...order, segment: inputs.crm[0]?.segment }));
      });
      expectTypeOf(joined).toEqualTypeOf<TaskRef<{ segment: "smb" | "enterprise" | undefined; customerId: string; cents: number }[]>>();
    });
  });

  it("hands datasets over as datasets", () => {
    const raw = dataset("s3://bucket/raw");
    dag("with_dataset", {}, (d) => {
      const count = d.task("count", () => 3);
      d.task("read", { inputs: { count, raw } }, (_ctx, inputs) => {
        expectTypeOf(inputs.count).toEqualTypeOf<number>();
        expectTypeOf(inputs.raw).toEqualTypeOf<Dataset>();
      });
    });
  });

  it("types map items by the element type of `over`, and a map's result as an array", () => {
    dag("mapped", {}, (d) => {
      const partitions = d.task("partitions", async () => [{ region: "eu", rows: 3 }]);
      const factor = d.task("factor", () => 2);
      const processed = d.map("process", { over: partitions, inputs: { factor } }, async (ctx, item, inputs) => {
        expectTypeOf(item).toEqualTypeOf<{ region: string; rows: number }>();
        expectTypeOf(inputs.factor).toEqualTypeOf<number>();
        expectTypeOf(ctx.mapIndex).toEqualTypeOf<number | null>();
        return item.rows * inputs.factor;
      });
      expectTypeOf(processed).toEqualTypeOf<TaskRef<number[]>>();
      d.task("sum", { inputs: { processed } }, (_ctx, { processed }) => {
        expectTypeOf(processed).toEqualTypeOf<number[]>();
      });
    });
  });

  it("gives shell tasks a string result and branches a list of ids", () => {
    dag("kinds", {}, (d) => {
      const report = d.shell("report", {}, "echo {{ ds }}");
      expectTypeOf(report).toEqualTypeOf<TaskRef<string>>();
      const choose = d.branch("choose", { inputs: { report } }, (_ctx, { report }) => {
        expectTypeOf(report).toEqualTypeOf<string>();
        return report === "" ? null : ["left"];
      });
      expectTypeOf(choose).toEqualTypeOf<TaskRef<string[]>>();
    });
  });

  it("types ctx.params from the zod schema", () => {
    const typed = dag("params", { params: z.object({ region: z.enum(["eu", "us"]).default("eu"), limit: z.number().optional() }) }, (d) => {
      d.task("use", (ctx) => {
        expectTypeOf(ctx.params.region).toEqualTypeOf<"eu" | "us">();
        expectTypeOf(ctx.params.limit).toEqualTypeOf<number | undefined>();
      });
    });
    expectTypeOf(typed.parseParams).returns.toEqualTypeOf<{ region: "eu" | "us"; limit?: number | undefined }>();
  });

  it("types ctx.params as a record without a schema", () => {
    dag("untyped", {}, (d) => {
      d.task("use", (ctx) => {
        expectTypeOf(ctx.params).toEqualTypeOf<Record<string, unknown>>();
      });
    });
  });

  it("rejects wrong uses at compile time", () => {
    // The typo is caught at run time too, for DAG files written in JavaScript.
    const define = () =>
      dag("wrong", {}, (d) => {
        const count = d.task("count", () => 3);
        // @ts-expect-error `over` must be a task whose result is a list.
        d.map("bad_map", { over: count }, (_ctx, item) => item);
        // @ts-expect-error `retry` is not an option (a typo of `retries`).
        d.task("typo", { retry: 3 }, () => 1);
        d.task("wrong_input", { inputs: { count } }, (_ctx, { count }) => {
          // @ts-expect-error count is a number.
          count.toUpperCase();
        });
      });
    expect(define).toThrow('unknown option "retry"');
  });
});
