/**
 * The lineage explorer: a graph centred on a dataset, task or DAG, with what lies upstream (feeds
 * it) and downstream (is affected by it), up to a depth. The URL holds the centre, direction and
 * depth; clicking a node recentres on it (a new history entry, so Back returns).
 */
import { lazy, Suspense, useCallback, useEffect, useState, type FormEvent } from "react";
import { get } from "../api/client";
import type { DatasetList, LineageEdge, LineageNode, LineageResult } from "../api/types";
import { useResource } from "../api/use-resource";
import { Empty, ErrorBox, Loading } from "../components/status";
import { lineageHref, lineageTarget } from "../lineage/lineage-target";
import { href, navigate, setQuery, useRoute } from "../router";

const LineageGraph = lazy(() => import("../lineage/lineage-graph"));

const DIRECTIONS = [
  { id: "both", label: "Both" },
  { id: "upstream", label: "Upstream" },
  { id: "downstream", label: "Downstream" },
] as const;
type Direction = (typeof DIRECTIONS)[number]["id"];
const DEPTHS = ["1", "2", "3", "5", "10", "all"] as const;
const DEFAULT_DEPTH = "3";

interface Explored {
  readonly root: LineageNode;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
  readonly downstream: readonly LineageNode[] | undefined;
  readonly upstream: readonly LineageNode[] | undefined;
}

async function explore(target: string, direction: Direction, depth: string, signal: AbortSignal): Promise<Explored> {
  const ask = (d: "downstream" | "upstream") => get<LineageResult>("lineage", { target, direction: d, depth: depth === "all" ? undefined : depth }, signal);
  const [down, up] = await Promise.all([direction === "upstream" ? undefined : ask("downstream"), direction === "downstream" ? undefined : ask("upstream")]);
  const results = [down, up].filter((r): r is LineageResult => r !== undefined);
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  for (const r of results) {
    for (const n of r.nodes) nodes.set(n.id, n);
    for (const e of r.edges) edges.set(`${e.from}|${e.kind}|${e.to}`, e);
  }
  const root = (down ?? up)?.root;
  if (!root) throw new Error("the server answered without a root node");
  return { root, nodes: [...nodes.values()], edges: [...edges.values()], downstream: down?.nodes.slice(1), upstream: up?.nodes.slice(1) };
}

export function LineagePage() {
  const route = useRoute();
  const target = route.query.get("target") ?? "";
  const direction = (DIRECTIONS.some((d) => d.id === route.query.get("direction")) ? route.query.get("direction") : "both") as Direction;
  const depth = (DEPTHS as readonly string[]).includes(route.query.get("depth") ?? "") ? (route.query.get("depth") as string) : DEFAULT_DEPTH;
  const result = useResource((signal) => (target === "" ? Promise.resolve(undefined) : explore(target, direction, depth, signal)), [target, direction, depth]);
  const datasets = useResource((signal) => get<DatasetList>("datasets", undefined, signal), []);
  const [draft, setDraft] = useState(target);
  useEffect(() => setDraft(target), [target]);

  useEffect(() => {
    document.title = `Lineage${target ? ` of ${target}` : ""} · Tributary`;
    return () => {
      document.title = "Tributary";
    };
  }, [target]);

  // Recentring keeps the direction and depth.
  const keep = { direction: direction === "both" ? null : direction, depth: depth === DEFAULT_DEPTH ? null : depth };
  const recentre = useCallback(
    (node: LineageNode) => navigate(lineageHref(lineageTarget(node), { direction: direction === "both" ? null : direction, depth: depth === DEFAULT_DEPTH ? null : depth })),
    [direction, depth],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() !== "") navigate(lineageHref(draft.trim(), keep));
  };

  const data = result.data;
  return (
    <section className="page lineage-page" aria-labelledby="lineage-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <a href="#/datasets">Datasets</a> <span aria-hidden="true">/</span> <span>Lineage</span>
      </nav>
      <div className="page-head">
        <h1 id="lineage-title">Lineage{data ? <span className="muted"> · {data.root.name}</span> : null}</h1>
      </div>
      <form className="filters" onSubmit={submit} role="search">
        <label className="filter lineage-target">
          Centre on
          <input
            type="search"
            list="lineage-datasets"
            value={draft}
            placeholder="dataset URI, dag:<id> or task:<dag>.<task>"
            onChange={(e) => setDraft(e.target.value)}
            aria-describedby="lineage-hint"
          />
        </label>
        <datalist id="lineage-datasets">
          {datasets.data?.datasets.map((d) => <option key={d.uri} value={d.uri} />)}
        </datalist>
        <button type="submit" className="btn">
          Show
        </button>
        <div className="segmented" role="group" aria-label="Direction">
          {DIRECTIONS.map((d) => (
            <button key={d.id} type="button" className="btn btn-small" aria-pressed={direction === d.id} onClick={() => setQuery(route, { direction: d.id === "both" ? null : d.id }, { replace: true })}>
              {d.label}
            </button>
          ))}
        </div>
        <label className="filter">
          Depth
          <select value={depth} onChange={(e) => setQuery(route, { depth: e.target.value === DEFAULT_DEPTH ? null : e.target.value }, { replace: true })}>
            {DEPTHS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p id="lineage-hint" className="hint">
        Click a node to centre the graph on it. Solid edges: a task runs after another; dashed: reads and writes; dotted: a dataset triggers a DAG, a DAG contains a task; orange: a write seen at run time only.
      </p>

      {target === "" ? (
        <Empty title="Pick a dataset, task or DAG">
          Choose one from the <a href="#/datasets">datasets</a>, or a dataset node in a DAG's graph.
        </Empty>
      ) : result.loading ? (
        <Loading label="Loading the lineage…" />
      ) : result.error && !data ? (
        <ErrorBox error={result.error} onRetry={result.reload} />
      ) : data ? (
        <>
          <Suspense fallback={<Loading label="Loading the graph…" />}>
            <LineageGraph rootId={data.root.id} nodes={data.nodes} edges={data.edges} onOpen={recentre} />
          </Suspense>
          <div className="lineage-lists">
            {data.upstream ? <Reached title="Upstream (feeds it)" testId="lineage-upstream" nodes={data.upstream} keep={keep} /> : null}
            {data.downstream ? <Reached title="Downstream (affected by it)" testId="lineage-downstream" nodes={data.downstream} keep={keep} /> : null}
          </div>
        </>
      ) : null}
    </section>
  );
}

function Reached({ title, testId, nodes, keep }: { title: string; testId: string; nodes: readonly LineageNode[]; keep: Readonly<Record<string, string | null>> }) {
  const groups = [
    { kind: "dataset", label: "Datasets" },
    { kind: "task", label: "Tasks" },
    { kind: "dag", label: "DAGs" },
  ] as const;
  return (
    <section className="lineage-list" data-testid={testId} aria-label={title}>
      <h3>
        {title} · {nodes.length}
      </h3>
      {nodes.length === 0 ? <p className="muted small">Nothing within this depth.</p> : null}
      {groups.map((g) => {
        const list = nodes.filter((n) => n.kind === g.kind);
        if (list.length === 0) return null;
        return (
          <div key={g.kind}>
            <div className="muted small">
              {g.label} ({list.length})
            </div>
            <ul className="plain">
              {list.map((n) => (
                <li key={n.id} data-lineage-item={n.id}>
                  <a href={lineageHref(lineageTarget(n), keep)}>
                    <code>{n.kind === "task" ? `${n.dagId}.${n.taskId}` : n.name}</code>
                  </a>
                  {n.kind === "task" && n.dagId ? (
                    <a className="small lineage-open" href={href(["dags", n.dagId], { tab: "graph" })}>
                      open DAG
                    </a>
                  ) : n.kind === "dag" ? (
                    <a className="small lineage-open" href={href(["dags", n.name], { tab: "graph" })}>
                      open DAG
                    </a>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
