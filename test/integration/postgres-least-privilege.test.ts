/**
 * A deployment may migrate with the schema's owner and run its services as a role that may only
 * read and write the tables: such a role's start (every start and CLI command migrates) must not
 * need more than that once the schema is up to date.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import type { ClaimedTask, ClaimRequest, CompleteTryInput } from "../../src/store/index.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { at, runInput } from "../conformance/driver.js";
import { graph } from "../conformance/fixtures.js";
import { TEST_PG_URL } from "../conformance/stores.js";

const tag = randomBytes(4).toString("hex");
const schema = `least_privilege_${tag}`;
const role = `tributary_app_${tag}`;
const admin = new pg.Client({ connectionString: TEST_PG_URL });
await admin.connect();

afterAll(async () => {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.query(`drop owned by ${role}`).catch(() => undefined);
  await admin.query(`drop role if exists ${role}`);
  await admin.end();
});

it("a role with only USAGE on the schema and DML on its tables starts on a schema its owner migrated, and steps", async () => {
  const owner = openPostgresStore({ url: TEST_PG_URL, schema });
  expect((await owner.migrate()).error).toBeUndefined();
  await owner.close();

  await admin.query(`create role ${role} login`);
  await admin.query(`grant usage on schema ${schema} to ${role}`);
  await admin.query(`grant select, insert, update, delete on all tables in schema ${schema} to ${role}`);
  await admin.query(`grant usage, select, update on all sequences in schema ${schema} to ${role}`);
  const url = new URL(TEST_PG_URL);
  url.username = role;
  url.password = "";
  const app = openPostgresStore({ url: url.toString(), schema });
  try {
    const report = await app.migrate();
    expect(report.error?.message).toBeUndefined();
    expect(report.applied).toEqual([]);
    expect(await app.listDags()).toEqual([]);

    // Its worker's steps go through the step function, which reads the lists of DAGs the worker
    // registered (postgres/served-dag-sets.ts).
    await app.createRun(runInput(G, { runId: "r1", now: at(0) }));
    const [a] = await app.claimNextTasks(claim(1));
    const [b] = (await app.completeTries([success(a, 2)], claim(2))).claimed;
    expect(b?.instance.taskId).toBe("b");
    expect(app.outcomeWrites()).toEqual([{ path: "one_call", reason: "", count: 1 }]);

    // Grants made before an upgrade that added tables do not cover them: the steps are recorded
    // through the statements, and the metric says why.
    await admin.query(`revoke all on ${schema}.served_dag_sets, ${schema}.served_dag_set_members from ${role}`);
    const registrations: string[] = [];
    const reopened = openPostgresStore({ url: url.toString(), schema, onQuery: (text) => void (text.includes("served_dag_sets") && registrations.push(text)) });
    try {
      const [c] = (await reopened.completeTries([success(b, 3)], claim(3))).claimed;
      expect(c?.instance.taskId).toBe("c");
      expect(reopened.outcomeWrites()).toEqual([{ path: "statements", reason: "the lists of DAGs could not be registered (SQLSTATE 42501)", count: 1 }]);
      // Not tried again at the next step (for a minute): the server would log an error each time.
      const tried = registrations.length;
      expect(tried).toBeGreaterThan(0);
      const [d] = (await reopened.completeTries([success(c, 4)], claim(4))).claimed;
      expect(d?.instance.taskId).toBe("d");
      expect(registrations.length).toBe(tried);
      expect(reopened.outcomeWrites()).toEqual([{ path: "statements", reason: "the lists of DAGs could not be registered (SQLSTATE 42501)", count: 2 }]);
    } finally {
      await reopened.close();
    }
  } finally {
    await app.close();
  }
});

const G = graph("chain", [{ id: "a" }, { id: "b", upstream: ["a"] }, { id: "c", upstream: ["b"] }, { id: "d", upstream: ["c"] }]);
const claim = (seconds: number): ClaimRequest => ({ workerId: "w1", limit: 1, dagIds: [G.dagId], now: at(seconds) });

function success(claimed: ClaimedTask | undefined, seconds: number): CompleteTryInput {
  if (claimed === undefined) throw new Error("nothing claimed to complete");
  return { taskInstanceId: claimed.instance.id, taskId: claimed.instance.taskId, tryNumber: claimed.tryNumber, outcome: "success", result: null, graph: G, now: at(seconds) };
}
