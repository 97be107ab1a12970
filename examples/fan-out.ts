/**
 * Dynamic fan-out: `list_partitions` decides at run time which partitions exist for the day (here
 * five regional partitions); `d.map` runs `process_partition` once per partition, each instance with
 * its own map index, retries and log; `sum_partitions` receives the mapped results as one array, in
 * map-index order, and adds them up.
 *
 *   node bin/tributary.js run examples/fan-out.ts --logical-date 2024-03-01
 *   node bin/tributary.js logs <runId> process_partition --map-index 2
 */
import { dag } from "tributary-orchestrator";

interface Partition {
  readonly name: string;
  readonly path: string;
  readonly rows: number;
}

interface PartitionResult {
  readonly name: string;
  readonly rows: number;
  readonly total: number;
}

const REGIONS = ["eu-north", "eu-south", "us-east", "us-west", "apac"] as const;

export default dag(
  "partition_fan_out",
  {
    description: "One mapped task instance per partition found at run time, then a sum.",
    schedule: "@daily",
    startDate: "2024-01-01",
    tags: ["example", "mapping"],
    defaults: { retries: 1, retryDelay: "1s" },
  },
  (d) => {
    const partitions = d.task("list_partitions", async (ctx): Promise<Partition[]> => {
      // A real pipeline would list a bucket prefix or a table's partitions for ctx.ds.
      const found = REGIONS.map((name, i) => ({ name, path: `sales/${ctx.ds}/${name}.csv`, rows: (i + 1) * 10 }));
      ctx.log.info(`found ${found.length} partitions for ${ctx.ds}: ${found.map((p) => p.name).join(", ")}`);
      return found;
    });

    const processed = d.map("process_partition", { over: partitions }, async (ctx, partition): Promise<PartitionResult> => {
      // Stand-in for reading the partition: its rows hold the amounts 1..rows.
      let total = 0;
      for (let amount = 1; amount <= partition.rows; amount += 1) total += amount;
      ctx.log.info(`[${ctx.mapIndex}] ${partition.path}: ${partition.rows} rows, total ${total}`);
      return { name: partition.name, rows: partition.rows, total };
    });

    d.task("sum_partitions", { inputs: { processed } }, async (ctx, { processed }) => {
      const rows = processed.reduce((sum, p) => sum + p.rows, 0);
      const total = processed.reduce((sum, p) => sum + p.total, 0);
      ctx.log.info(`summed ${processed.length} partitions: rows=${rows} total=${total}`);
      return { partitions: processed.length, rows, total };
    });
  },
);
