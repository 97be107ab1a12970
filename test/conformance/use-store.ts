/**
 * The suite's per-test store: each test gets an empty database of its own (migrated unless told
 * not to) and a store on it, closed afterwards. Where the factory can empty a place (`empty`), a
 * describe block migrates one place once and empties it before each test, which is much faster
 * than making and migrating a new one; otherwise every test makes its own place.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import type { Store } from "../../src/store/index.js";
import type { StoreFactory, StorePlace } from "./stores.js";

export interface StoreContext {
  readonly store: Store;
  readonly place: StorePlace;
  /** Another store object on the same place, closed after the test. */
  openAnother(): Store;
}

/** Registers hooks giving each test an empty place and a store on it (migrated unless told not to). */
export function useStore(factory: StoreFactory, options: { migrate: boolean }): StoreContext {
  let shared: StorePlace | undefined;
  let place: StorePlace | undefined;
  let main: Store | undefined;
  const opened: Store[] = [];
  const empty = options.migrate ? factory.empty : undefined;
  if (empty) {
    beforeAll(async () => {
      const created = await factory.create();
      shared = created;
      const store = factory.open(created.address);
      try {
        const report = await store.migrate();
        if (report.error) throw report.error;
      } finally {
        await store.close();
      }
    });
    afterAll(async () => {
      await shared?.dispose();
      shared = undefined;
    });
  }
  beforeEach(async () => {
    if (empty && shared) {
      // Emptied before (not after) each test, so a test that failed half way leaves nothing behind.
      await empty(shared.address);
      place = { address: shared.address, dispose: () => Promise.resolve() };
      main = factory.open(place.address);
      return;
    }
    place = await factory.create();
    main = factory.open(place.address);
    if (options.migrate) {
      const report = await main.migrate();
      expect(report.error).toBeUndefined();
    }
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await main?.close();
    await place?.dispose();
    main = undefined;
    place = undefined;
  });
  return {
    get store(): Store {
      if (!main) throw new Error("no store outside a test");
      return main;
    },
    get place(): StorePlace {
      if (!place) throw new Error("no place outside a test");
      return place;
    },
    openAnother(): Store {
      const s = factory.open(this.place.address);
      opened.push(s);
      return s;
    },
  };
}
