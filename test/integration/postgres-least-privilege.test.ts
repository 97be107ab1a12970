/**
 * A deployment may migrate with the schema's owner and run its services as a role that may only
 * read and write the tables: such a role's start (every start and CLI command migrates) must not
 * need more than that once the schema is up to date.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
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

it("a role with only USAGE on the schema and DML on its tables starts on a schema its owner migrated", async () => {
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
  } finally {
    await app.close();
  }
});
