/**
 * The layout engine every graph in the UI uses (the DAG graph, the lineage explorer): ELK's
 * layered algorithm, left to right, in a web worker so a big graph never freezes the page.
 * Imported only by lazily loaded modules, so ELK is fetched with the first graph shown.
 */
import ELK from "elkjs/lib/elk-api.js";
import elkWorkerUrl from "elkjs/lib/elk-worker.min.js?url";

const elk = new ELK({ workerUrl: elkWorkerUrl });

export interface LayoutBox {
  readonly id: string;
  readonly width: number;
  readonly height: number;
}

export interface LaidOut {
  readonly positions: ReadonlyMap<string, { x: number; y: number }>;
  /** The laid-out graph's size, for the height of the canvas. */
  readonly width: number;
  readonly height: number;
}

export async function layoutLeftToRight(boxes: readonly LayoutBox[], edges: readonly { id: string; source: string; target: string }[]): Promise<LaidOut> {
  const result = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "56",
      "elk.spacing.nodeNode": "22",
      "elk.edgeRouting": "ORTHOGONAL",
    },
    children: boxes.map((b) => ({ id: b.id, width: b.width, height: b.height })),
    edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const children = result.children ?? [];
  return {
    positions: new Map(children.map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }])),
    width: Math.max(0, ...children.map((c) => (c.x ?? 0) + (c.width ?? 0))),
    height: Math.max(0, ...children.map((c) => (c.y ?? 0) + (c.height ?? 0))),
  };
}
