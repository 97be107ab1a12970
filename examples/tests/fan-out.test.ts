import { describe, expect, it } from "vitest";
import { testDag } from "tributary-orchestrator/testing";
import fanOut from "../fan-out.js";

describe("partition_fan_out", () => {
  it("maps over the partitions found at run time and sums them", async () => {
    const result = await testDag(fanOut, { logicalDate: "2024-03-01" });
    expect(result.state).toBe("success");
    expect(result.instances.filter((i) => i.taskId === "process_partition")).toHaveLength(5);
    expect(result.resultOf("sum_partitions")).toEqual({ partitions: 5, rows: 150, total: 2825 });
  });

  it("one failing map index is retried alone", async () => {
    const result = await testDag(fanOut, {
      logicalDate: "2024-03-01",
      mocks: { list_partitions: [{ name: "only", path: "sales/only.csv", rows: 2 }] },
      failures: { process_partition: 1 },
    });
    expect(result.tries("process_partition").map((t) => t.outcome)).toEqual(["failed", "success"]);
    expect(result.retryWaits("process_partition")).toEqual([1_000]);
    expect(result.resultOf("sum_partitions")).toEqual({ partitions: 1, rows: 2, total: 3 });
  });
});
