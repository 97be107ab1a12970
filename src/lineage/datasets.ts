/**
 * The datasets Tributary knows (declared by a DAG, or named by an event) with their last update,
 * last writer and freshness: `tributary datasets list` and the API's dataset listing.
 */
import type { DatasetEventRecord } from "../store/index.js";
import type { Store } from "../store/index.js";
import type { LineageService } from "./lineage-service.js";

/** Who wrote a dataset last: a task's try, or an external report. */
export type DatasetWriterInfo =
  | { readonly kind: "task"; readonly dagId: string; readonly taskId: string; readonly runId: string | null; readonly tryNumber: number | null }
  | { readonly kind: "external"; readonly source: string | null };

export interface DatasetInfo {
  readonly uri: string;
  /** Events recorded for it. */
  readonly events: number;
  readonly lastUpdatedAt: Date | null;
  readonly lastWriter: DatasetWriterInfo | null;
  readonly lastMetadata: Readonly<Record<string, unknown>> | null;
  /** Time since the last update, in milliseconds (null when never updated). */
  readonly freshnessMs: number | null;
  /** Tasks that write it (`dagId.taskId`), declared or seen. */
  readonly producers: readonly string[];
  /** Tasks that read it and DAGs it triggers. */
  readonly consumers: readonly string[];
}

export async function listDatasets(store: Store, lineage: LineageService, now: Date = new Date()): Promise<DatasetInfo[]> {
  const [graph, summaries] = await Promise.all([lineage.graph(), store.lineage.summariseDatasets()]);
  const byUri = new Map(summaries.map((s) => [s.uri, s]));
  const uris = new Set<string>(byUri.keys());
  for (const node of graph.nodes()) if (node.kind === "dataset" && node.uri !== undefined) uris.add(node.uri);
  return [...uris].sort().map((uri) => {
    const summary = byUri.get(uri);
    const id = `dataset:${uri}`;
    const producers = graph.incoming(id).filter((e) => e.kind === "writes").map((e) => graph.node(e.from)?.name ?? e.from);
    const consumers = graph.outgoing(id).map((e) => graph.node(e.to)?.name ?? e.to);
    const last = summary?.last;
    return {
      uri,
      events: summary?.events ?? 0,
      lastUpdatedAt: last?.at ?? null,
      lastWriter: last ? writerOf(last) : null,
      lastMetadata: last?.metadata ?? null,
      freshnessMs: last ? Math.max(0, now.getTime() - last.at.getTime()) : null,
      producers: [...new Set(producers)].sort(),
      consumers: [...new Set(consumers)].sort(),
    };
  });
}

function writerOf(event: DatasetEventRecord): DatasetWriterInfo {
  if (event.dagId !== null && event.taskId !== null) {
    return { kind: "task", dagId: event.dagId, taskId: event.taskId, runId: event.runId, tryNumber: event.tryNumber };
  }
  return { kind: "external", source: event.source };
}

/** A dataset as JSON (dates as ISO strings), for the CLI's `--json` and the API. */
export function datasetToJson(info: DatasetInfo): Record<string, unknown> {
  return { ...info, lastUpdatedAt: info.lastUpdatedAt?.toISOString() ?? null };
}
