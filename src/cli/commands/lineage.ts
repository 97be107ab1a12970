import { parseArgs } from "node:util";
import { InvalidInputError } from "../../core/errors.js";
import { LineageService } from "../../lineage/lineage-service.js";
import { renderLineageTree } from "../../lineage/render-tree.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { dagGraphsIn } from "../lineage-dags.js";

export const LINEAGE_USAGE = `tributary lineage downstream|upstream <dataset-uri> [--depth N] [--dags <dir>] [--db <path>] [--json]

What is affected if a dataset changes (downstream), or where it comes from (upstream): the tasks,
DAGs and datasets around it, declared in DAG files and seen at run time, as a tree (or JSON).
The start may also be dag:<dagId> or task:<dagId>.<taskId>. DAGs are those a scheduler recorded
in the store and those in the DAG folder (--dags, the config file's \`dags\`, else ./dags).`;

export async function lineageCommand(argv: readonly string[]): Promise<number> {
  const [direction, ...rest] = argv;
  if (direction !== "downstream" && direction !== "upstream") {
    throw new UsageError(`unknown lineage command "${direction ?? ""}"\n\n${LINEAGE_USAGE}`);
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { depth: { type: "string" }, dags: { type: "string" }, db: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const target = positionals[0];
  if (target === undefined || positionals.length > 1) throw new UsageError(`expected one dataset URI\n\n${LINEAGE_USAGE}`);
  let depth: number | undefined;
  if (values.depth !== undefined) {
    depth = Number(values.depth);
    if (!Number.isInteger(depth) || depth < 0) throw new InvalidInputError(`--depth must be a non-negative integer, got "${values.depth}"`, { field: "depth" });
  }
  const { db, dagsDir } = await resolveLocations({ dags: values.dags, db: values.db });
  const store = await openStore(db);
  try {
    const service = new LineageService(store, await dagGraphsIn(dagsDir));
    const result = direction === "downstream" ? await service.downstream(target, { depth }) : await service.upstream(target, { depth });
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${renderLineageTree(result)}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
