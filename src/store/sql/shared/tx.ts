import type { Kysely } from "kysely";
import type { Database } from "../schema.js";

/** A handle inside one transaction. Engine operations take it; only the store opens one. */
export type Tx = Kysely<Database>;

/** Runs `fn` in one transaction (each dialect decides how: BEGIN IMMEDIATE, SERIALIZABLE...). */
export type RunInTransaction = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
