/**
 * A deployment's PGOPTIONS (libpq's, which node-postgres reads too) reach the store's connections:
 * the store adds its schema's search_path to them rather than replacing them.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";

const TEST_PG_URL = process.env["TRIBUTARY_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `pgoptions_${randomBytes(4).toString("hex")}`;
const client = new pg.Client({ connectionString: TEST_PG_URL });

afterAll(async () => {
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
});

it("keeps PGOPTIONS' settings on the store's connections, with its own schema's search_path", async () => {
  await client.connect();
  const name = `tributary_${schema}`;
  const before = process.env["PGOPTIONS"];
  process.env["PGOPTIONS"] = `-c application_name=${name} -c search_path=elsewhere`;
  const store = openPostgresStore({ url: TEST_PG_URL, schema });
  try {
    const report = await store.migrate();
    expect(report.error).toBeUndefined();
    // The store's tables are in its schema: its search_path came after PGOPTIONS' own.
    expect(await store.listDags()).toEqual([]);
    const { rows } = await client.query<{ n: string }>("select count(*) as n from pg_stat_activity where application_name = $1", [name]);
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  } finally {
    await store.close();
    if (before === undefined) delete process.env["PGOPTIONS"];
    else process.env["PGOPTIONS"] = before;
  }
});
