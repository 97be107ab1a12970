import { parseArgs } from "node:util";
import { cliActor } from "../cli-actor.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";

export const CACHE_USAGE = `tributary cache clear <dagId> [--task <taskId>] [--db <path>]

Forgets the cached results (task option \`cache\`) of a DAG, or of one of its tasks: their next
tries run instead of taking a stored result. Runs already recorded keep their results.`;

export async function cacheCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { task: { type: "string" }, db: { type: "string" } },
  });
  if (sub !== "clear") throw new UsageError(`unknown cache command "${sub ?? ""}"\n\n${CACHE_USAGE}`);
  const dagId = positionals[0];
  if (!dagId || positionals.length > 1) throw new UsageError(`expected one DAG id\n\n${CACHE_USAGE}`);
  const { db } = await resolveLocations({ db: values.db });
  const store = await openStore(db);
  try {
    const forgotten = await store.resultCache.invalidate({ dagId, ...(values.task === undefined ? {} : { taskId: values.task }) });
    await store.access.appendAudit({ actor: cliActor(), action: "cache.clear", target: values.task === undefined ? dagId : `${dagId}.${values.task}`, details: { forgotten }, now: new Date() });
    process.stdout.write(`${forgotten} cached result(s) of ${values.task === undefined ? dagId : `${dagId}.${values.task}`} forgotten\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
