/** Answers about lineage and datasets (see responses.ts for how answers are serialised and documented). */
import { z } from "zod";
import { json, timestamp } from "./responses.js";

const lineageEdgeKind = z.enum(["reads", "writes", "feeds", "triggers", "contains"]);
const lineageNodeSchema = z
  .object({
    id: z.string().describe("`dataset:<uri>`, `dag:<dagId>` or `task:<dagId>/<taskId>`"),
    kind: z.enum(["dataset", "task", "dag"]),
    name: z.string(),
    uri: z.string().optional(),
    dagId: z.string().optional(),
    taskId: z.string().optional(),
  })
  .meta({ id: "LineageNode" });
const lineageEdgeSchema = z
  .object({ from: z.string(), to: z.string(), kind: lineageEdgeKind, declared: z.boolean(), observed: z.boolean() })
  .meta({ id: "LineageEdge" });

interface LineageTree {
  readonly node: z.output<typeof lineageNodeSchema>;
  readonly via?: { readonly kind: z.output<typeof lineageEdgeKind>; readonly declared: boolean; readonly observed: boolean };
  readonly children: LineageTree[];
}
const lineageTreeSchema: z.ZodType<LineageTree> = z
  .object({
    node: lineageNodeSchema,
    via: z.object({ kind: lineageEdgeKind, declared: z.boolean(), observed: z.boolean() }).optional(),
    get children() {
      return z.array(lineageTreeSchema);
    },
  })
  .meta({ id: "LineageTree" });

export const lineageResultSchema = z
  .object({
    root: lineageNodeSchema,
    direction: z.enum(["downstream", "upstream"]),
    depth: z.number().nullable(),
    nodes: z.array(lineageNodeSchema).readonly(),
    edges: z.array(lineageEdgeSchema).readonly(),
    tree: lineageTreeSchema,
  })
  .meta({ id: "LineageResult" });

export const datasetListSchema = z
  .object({
    datasets: z.array(
      z
        .object({
          uri: z.string(),
          events: z.number(),
          lastUpdatedAt: timestamp.nullable(),
          lastWriter: z
            .discriminatedUnion("kind", [
              z.object({ kind: z.literal("task"), dagId: z.string(), taskId: z.string(), runId: z.string().nullable(), tryNumber: z.number().nullable() }),
              z.object({ kind: z.literal("external"), source: z.string().nullable() }),
            ])
            .nullable()
            .meta({ id: "DatasetWriter" }),
          lastMetadata: json.nullable(),
          freshnessMs: z.number().nullable(),
          producers: z.array(z.string()).readonly().describe("`dagId.taskId` of the tasks that write it"),
          consumers: z.array(z.string()).readonly().describe("`dagId.taskId` of the tasks that read it, and the DAGs it triggers"),
        })
        .meta({ id: "Dataset" }),
    ),
  })
  .meta({ id: "DatasetList" });

export const datasetEventSchema = z
  .object({
    id: z.number(),
    uri: z.string(),
    runId: z.string().nullable(),
    dagId: z.string().nullable(),
    taskId: z.string().nullable(),
    mapIndex: z.number().nullable(),
    tryNumber: z.number().nullable(),
    at: timestamp,
    metadata: json,
    source: z.string().nullable(),
  })
  .meta({ id: "DatasetEvent" });
