/**
 * Old and new processes run side by side during a rolling deploy (docs/deploy.md, Upgrades): once
 * a new release has migrated, a process of the release before it that starts (a crash, a scale-up,
 * a CLI command) migrates too, and finds migrations it does not know. All of its own are applied,
 * and a release's migrations only add what older processes ignore: it runs, and says so. A schema
 * that lacks one of its own while holding a later release's cannot be brought up to date by it
 * and is refused, naming both.
 */
import SQLite from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/index.js";
import type { MigrationReport } from "../../src/store/sql/migrate.js";
import { STORES, type StoreFactory } from "../conformance/stores.js";

const LATER = "999999_from_a_later_release";

/** The advisory lock Kysely's migrator takes on PostgreSQL (kysely/dist/esm/dialect/postgres/postgres-adapter.js). */
const KYSELY_MIGRATION_LOCK = "3853314791062309107";

/** Runs a statement on the place's database, outside any store. */
async function execute(factory: StoreFactory, address: string, statement: string): Promise<void> {
  if (factory.name === "sqlite") {
    const db = new SQLite(address);
    try {
      db.exec(statement);
    } finally {
      db.close();
    }
    return;
  }
  const { url, schema } = JSON.parse(address) as { url: string; schema: string };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set search_path to ${schema}`);
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A place migrated by this release, then by a later one (its migration recorded), and a store of this release opened on it. */
async function afterLaterRelease(factory: StoreFactory, alsoMissing?: string): Promise<{ report: MigrationReport; store: Store; dispose: () => Promise<void> }> {
  const place = await factory.create();
  const first = factory.open(place.address);
  expect((await first.migrate()).error).toBeUndefined();
  await first.close();
  await execute(factory, place.address, `insert into tributary_migrations (name, timestamp) values ('${LATER}', '2027-01-01T00:00:00.000Z')`);
  if (alsoMissing !== undefined) await execute(factory, place.address, `delete from tributary_migrations where name = '${alsoMissing}'`);
  const store = factory.open(place.address);
  return {
    report: await store.migrate(),
    store,
    dispose: async () => {
      await store.close();
      await place.dispose();
    },
  };
}

for (const factory of STORES) {
  describe(`a schema migrated by a later release: ${factory.name}`, () => {
    it("a store whose migrations are all applied runs on it, and reports the later ones", async () => {
      const { report, store, dispose } = await afterLaterRelease(factory);
      try {
        expect(report.error?.message).toBeUndefined();
        expect(report.applied).toEqual([]);
        expect(report.fromLaterRelease).toEqual([LATER]);
        expect(await store.listDags()).toEqual([]);
      } finally {
        await dispose();
      }
    });

    it("a store that lacks one of its own migrations on such a schema is refused, naming both", async () => {
      const { report, dispose } = await afterLaterRelease(factory, "000022_served_dag_sets");
      try {
        expect(report.error?.message).toMatch(/000022_served_dag_sets/);
        expect(report.error?.message).toMatch(new RegExp(LATER));
        expect(report.applied).toEqual([]);
      } finally {
        await dispose();
      }
    });
  });
}

describe("a schema a later release migrates while an older process waits to migrate: postgres", () => {
  const factory = STORES.find((candidate) => candidate.name === "postgres");
  it("the older process reads the migrations once it holds the lock, and runs", async () => {
    if (factory === undefined) throw new Error("no PostgreSQL store factory");
    const place = await factory.create();
    const { url, schema } = JSON.parse(place.address) as { url: string; schema: string };
    const later = new pg.Client({ connectionString: url });
    await later.connect();
    try {
      const first = factory.open(place.address);
      expect((await first.migrate()).error).toBeUndefined();
      await first.close();
      // The later release migrating: it holds the migrations' lock (Kysely's advisory lock) while
      // its transaction records its migration.
      await later.query(`select pg_advisory_lock(${KYSELY_MIGRATION_LOCK})`);
      await later.query("begin");
      await later.query(`insert into ${schema}.tributary_migrations (name, timestamp) values ('${LATER}', '2027-01-01T00:00:00.000Z')`);
      const older = factory.open(place.address);
      try {
        const migrating = older.migrate();
        // Long enough for the older process to be waiting for the lock.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await later.query("commit");
        await later.query(`select pg_advisory_unlock(${KYSELY_MIGRATION_LOCK})`);
        const report = await migrating;
        expect(report.error?.message).toBeUndefined();
        expect(report.fromLaterRelease).toEqual([LATER]);
      } finally {
        await older.close();
      }
    } finally {
      await later.end();
      await place.dispose();
    }
  });
});
