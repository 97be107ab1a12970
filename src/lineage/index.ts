/**
 * Lineage (docs/architecture.md §7): what the API and the CLI call. The API mounts these at `/api/v1/lineage`
 * and `POST /api/v1/datasets/events`; see docs/lineage.md.
 *
 * @example
 * ```ts
 * const lineage = new LineageService(store);            // one per process: it caches the graph
 * const result = await lineage.downstream("postgres://warehouse/raw_orders", { depth: 3 });
 * const datasets = await listDatasets(store, lineage);
 * await recordExternalDatasetEvent(store, { uri: "s3://bucket/key", metadata: { rows: 10 }, source: "api:alice" });
 * ```
 * @module
 */
export { LineageService, lineageNodeIds, type LineageQueryOptions } from "./lineage-service.js";
export type { LineageDirection, LineageResult, LineageTreeNode } from "./lineage-query.js";
export type { LineageEdge, LineageEdgeKind, LineageNode, LineageNodeKind } from "./lineage-graph.js";
export { datasetToJson, listDatasets, type DatasetInfo, type DatasetWriterInfo } from "./datasets.js";
export { recordExternalDatasetEvent, type ExternalDatasetEventInput } from "./external-events.js";
export { isDatasetUri, normaliseDatasetUri } from "../core/dataset-uri.js";
export { renderLineageTree } from "./render-tree.js";
export type { DatasetEventRecord } from "../store/index.js";
