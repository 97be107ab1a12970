// Stores in several schemas of one database come and go (two deployments, test suites): a
// migration must not fail because another schema was dropped while it ran. Kysely's migrator
// lists every table of every schema, and PostgreSQL fails that listing ("schema ... does not
// exist") when a schema disappears under it; seen when the conformance suite ran beside a script
// that created and dropped schemas.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { TEST_PG_URL } from "../conformance/stores.js";

const created: string[] = [];

afterAll(async () => {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  for (const schema of created) await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
});

it("migrates fresh schemas while other schemas are created and dropped beside them", async () => {
  const tag = randomBytes(4).toString("hex");
  let churning = true;
  const churners = [1, 2].map(async (n) => {
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    for (let i = 0; churning; i++) {
      const schema = `churn_${tag}_${n}_${i}`;
      await client.query(`create schema ${schema}; create table ${schema}.a (id serial primary key); create table ${schema}.b (id serial primary key)`);
      await client.query(`drop schema ${schema} cascade`);
    }
    await client.end();
  });
  const errors: string[] = [];
  try {
    for (let i = 0; i < 12; i++) {
      const schema = `migrate_race_${tag}_${i}`;
      created.push(schema);
      const store = openPostgresStore({ url: TEST_PG_URL, schema, maxConnections: 2 });
      const report = await store.migrate();
      if (report.error) errors.push(`${schema}: ${report.error.message}`);
      await store.close();
    }
  } finally {
    churning = false;
    await Promise.all(churners);
  }
  expect(errors).toEqual([]);
});
