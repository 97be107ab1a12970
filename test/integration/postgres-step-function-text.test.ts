/**
 * PostgreSQL's `tributary_step` is kept as code, not as a numbered migration's frozen text: its
 * text lives in one module (sql/migrations/step-function-sql.ts), and every `migrate()` replaces
 * the function a schema has when it differs, as Flyway's repeatable migrations do. A database
 * migrated by an older release therefore runs the current step, whatever migrations it already had.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { STEP_FUNCTION_BODY, STEP_FUNCTION_CONFIG } from "../../src/store/sql/migrations/step-function-sql.js";
import { TEST_PG_URL } from "../conformance/stores.js";

const schema = `step_text_${randomBytes(4).toString("hex")}`;
const client = new pg.Client({ connectionString: TEST_PG_URL });
await client.connect();

afterAll(async () => {
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
});

async function installed(): Promise<{ prosrc: string; proconfig: string[] | null }[]> {
  const { rows } = await client.query<{ prosrc: string; proconfig: string[] | null }>(
    `select p.prosrc, p.proconfig from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 and p.proname = 'tributary_step'`,
    [schema],
  );
  return rows;
}

it("migrate() replaces a tributary_step whose text is not the current one, and leaves the current one alone", async () => {
  const store = openPostgresStore({ url: TEST_PG_URL, schema });
  try {
    expect((await store.migrate()).error).toBeUndefined();
    expect(await installed()).toEqual([{ prosrc: STEP_FUNCTION_BODY, proconfig: [...STEP_FUNCTION_CONFIG] }]);

    // An older release's function: another body, no settings.
    await client.query(`create or replace function ${schema}.tributary_step(p jsonb) returns jsonb language plpgsql as $$ begin return '{"fallback": true, "reason": "old"}'::jsonb; end $$`);
    await client.query(`alter function ${schema}.tributary_step(jsonb) reset all`);
    expect((await store.migrate()).error).toBeUndefined();
    expect(await installed()).toEqual([{ prosrc: STEP_FUNCTION_BODY, proconfig: [...STEP_FUNCTION_CONFIG] }]);

    // The current function is not replaced again (a replacement would take a new transaction id).
    const before = await client.query<{ xmin: string }>(`select p.xmin from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 and p.proname = 'tributary_step'`, [schema]);
    expect((await store.migrate()).error).toBeUndefined();
    const after = await client.query<{ xmin: string }>(`select p.xmin from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 and p.proname = 'tributary_step'`, [schema]);
    expect(after.rows).toEqual(before.rows);
  } finally {
    await store.close();
  }
});
