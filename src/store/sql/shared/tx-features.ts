/**
 * What a transaction's SQL may use beyond what both dialects share, for the few statements that
 * save round trips where they can (the store registers each transaction it opens).
 */
import type { Tx } from "./tx.js";

export interface TxFeatures {
  /**
   * Data-modifying statements inside WITH (PostgreSQL): a state change and its history row in
   * one statement, one round trip. SQLite runs them as two statements, in-process.
   */
  readonly writesInWith: boolean;
}

const registered = new WeakMap<Tx, TxFeatures>();

export function registerTxFeatures(tx: Tx, features: TxFeatures): void {
  registered.set(tx, features);
}

export function txFeatures(tx: Tx): TxFeatures {
  return registered.get(tx) ?? { writesInWith: false };
}
