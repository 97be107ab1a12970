import { parseArgs } from "node:util";
import { InvalidInputError } from "../../core/errors.js";
import { POOL_NAME, POOL_NAME_RULE } from "../../core/pool-name.js";
import { cliActor } from "../cli-actor.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { renderTable } from "../table.js";

export const POOLS_USAGE = `tributary pools list [--json] | set <name> <slots> [--description <text>] | delete <name>   [--db <path>]

A pool limits how many task instances that name it (task option \`pool\`) run at once, across
every worker sharing the store. A pool that is not configured has no limit.`;

export async function poolsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { description: { type: "string" }, db: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const { db } = await resolveLocations({ db: values.db });
  const store = await openStore(db);
  try {
    if (sub === "list") {
      const pools = await store.listPools();
      if (values.json) process.stdout.write(`${JSON.stringify({ pools })}\n`);
      else process.stdout.write(`${renderTable(["pool", "slots", "description"], pools.map((p) => [p.name, String(p.slots), p.description ?? ""]))}\n`);
      return EXIT.ok;
    }
    if (sub === "set") {
      const [name, slotsText] = positionals;
      if (!name || slotsText === undefined) throw new UsageError(`expected a pool name and a number of slots\n\n${POOLS_USAGE}`);
      if (!POOL_NAME.test(name)) throw new InvalidInputError(`invalid pool name "${name}": ${POOL_NAME_RULE}`, { field: "name" });
      const slots = Number(slotsText);
      if (!Number.isInteger(slots) || slots < 0) throw new InvalidInputError(`slots must be a non-negative integer, got "${slotsText}"`, { field: "slots" });
      const now = new Date();
      await store.setPool({ name, slots, description: values.description, now });
      // The same entry as the API's PUT /pools/:name.
      await store.access.appendAudit({ actor: cliActor(), action: "pool.set", target: name, details: { slots, description: values.description ?? null }, now });
      process.stdout.write(`pool ${name}: ${slots} slot(s)\n`);
      return EXIT.ok;
    }
    if (sub === "delete") {
      const name = positionals[0];
      if (!name) throw new UsageError(`expected a pool name\n\n${POOLS_USAGE}`);
      if (!(await store.deletePool(name))) throw new InvalidInputError(`no pool "${name}"`, { field: "name" });
      await store.access.appendAudit({ actor: cliActor(), action: "pool.delete", target: name, now: new Date() });
      process.stdout.write(`pool ${name} deleted\n`);
      return EXIT.ok;
    }
    throw new UsageError(`unknown pools command "${sub ?? ""}"\n\n${POOLS_USAGE}`);
  } finally {
    await store.close();
  }
}
