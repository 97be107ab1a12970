/**
 * PostgreSQL's step function is kept as code under a versioned name (postgres/step-function-sql.ts):
 * `migrate()` creates this release's version when the schema lacks it (postgres/step-function.ts
 * `createStepFunction`), and never replaces or drops one, so processes of two releases side by
 * side each call their own.
 */
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { STEP_FUNCTION_BODY, STEP_FUNCTION_CONFIG, STEP_FUNCTION_NAME } from "../../src/store/postgres/step-function-sql.js";
import { TEST_PG_URL } from "../conformance/stores.js";

/**
 * Each version's body, pinned: a change to the body must take a new name (and a line here), or a
 * database that has the old body under that name would go on running it.
 */
const BODY_SHA256_BY_NAME: Record<string, string> = {
  tributary_step_2: "85a02a85a8cedea182fe3cad19eebff0b3fc192d31944244b804c867a6c3b633",
  tributary_step_3: "5739e9aed96eb8bc123823521626d236868ce75ce80611af15afbc0404ef90d8",
  tributary_step_4: "19b7e846a83953abb281d9590ba73b234030baaffa73da924a49008b18400db3",
  tributary_step_5: "6458b88af150573890cc36825b312333da87da0c95b5509b3d1637439bbec703",
};

const schema = `step_text_${randomBytes(4).toString("hex")}`;
const client = new pg.Client({ connectionString: TEST_PG_URL });
await client.connect();

afterAll(async () => {
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
});

async function functions(): Promise<{ proname: string; prosrc: string; proconfig: string[] | null }[]> {
  const { rows } = await client.query<{ proname: string; prosrc: string; proconfig: string[] | null }>(
    `select p.proname, p.prosrc, p.proconfig from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 and p.proname like 'tributary_step%' order by p.proname`,
    [schema],
  );
  return rows;
}

it("the step function's body is the one pinned to its name", () => {
  expect(createHash("sha256").update(STEP_FUNCTION_BODY).digest("hex")).toBe(BODY_SHA256_BY_NAME[STEP_FUNCTION_NAME]);
});

it("migrate() creates this release's version when missing, and leaves other versions and its own as they are", async () => {
  const store = openPostgresStore({ url: TEST_PG_URL, schema });
  try {
    expect((await store.migrate()).error).toBeUndefined();
    expect(await functions()).toEqual([{ proname: STEP_FUNCTION_NAME, prosrc: STEP_FUNCTION_BODY, proconfig: [...STEP_FUNCTION_CONFIG] }]);

    // An older release's version, under its own name, is left for that release.
    const older = `begin return '{"fallback": true, "reason": "old"}'::jsonb; end`;
    await client.query(`create function ${schema}.tributary_step(p jsonb) returns jsonb language plpgsql as $$${older}$$`);
    // This version missing (a database an older release made): created at the next migrate().
    await client.query(`drop function ${schema}.${STEP_FUNCTION_NAME}(jsonb)`);
    expect((await store.migrate()).error).toBeUndefined();
    expect(await functions()).toEqual([
      { proname: "tributary_step", prosrc: older, proconfig: null },
      { proname: STEP_FUNCTION_NAME, prosrc: STEP_FUNCTION_BODY, proconfig: [...STEP_FUNCTION_CONFIG] },
    ]);

    // Present: not created again (that would take a new transaction id).
    const xmin = `select p.xmin from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 and p.proname = $2`;
    const before = await client.query(xmin, [schema, STEP_FUNCTION_NAME]);
    expect((await store.migrate()).error).toBeUndefined();
    expect((await client.query(xmin, [schema, STEP_FUNCTION_NAME])).rows).toEqual(before.rows);
  } finally {
    await store.close();
  }
});
