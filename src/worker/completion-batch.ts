import type { ClaimedTask, ClaimRequest, CompleteTryInput, CompleteTryResult, Store } from "../store/index.js";

/** At most this many outcomes share a transaction. */
const MAX_BATCH = 100;

interface Pending {
  readonly input: CompleteTryInput;
  readonly resolve: (result: CompleteTryResult) => void;
  readonly reject: (error: unknown) => void;
}

/** How the worker claims new work in the transaction that records outcomes. */
export interface ClaimAlong {
  /** The claim for the slots `freed` outcomes give back (undefined: claim nothing). */
  request(freed: number): ClaimRequest | undefined;
  /**
   * Called once per request, after its transaction: with what it claimed (nothing if it failed),
   * the outcomes it rode along with, and what recording each of them did (in their order).
   */
  done(request: ClaimRequest, claimed: readonly ClaimedTask[], outcomes: readonly CompleteTryInput[], recorded: readonly CompleteTryResult[]): void;
}

/**
 * Group commit for try outcomes: while one transaction records outcomes, the tries that end
 * meanwhile wait and are then recorded together in the next one, so a busy worker pays one
 * durable commit for many tries instead of one each. The same transaction claims work for the
 * slots the tries free (a finished task's successor, queued by its outcome, included), saving the
 * claim's own commit. An idle worker's outcome is recorded at once (no waiting for company). Each
 * caller's promise settles only after the commit that holds its outcome, so nothing is
 * acknowledged before it is durable.
 */
export class CompletionBatcher {
  readonly #store: Store;
  readonly #claim: ClaimAlong | undefined;
  #pending: Pending[] = [];
  #flushing = false;

  constructor(store: Store, claim?: ClaimAlong) {
    this.#store = store;
    this.#claim = claim;
  }

  /** Records a try's outcome. */
  complete(input: CompleteTryInput): Promise<CompleteTryResult> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ input, resolve, reject });
      if (this.#flushing) return;
      this.#flushing = true;
      // After the I/O callbacks of this turn of the event loop: the other tries whose outcomes
      // have already arrived (task processes' messages, read in the same poll) join this batch.
      // On SQLite a transaction never yields to the event loop, so without this every message
      // read after a commit opened a transaction of its own.
      setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, MAX_BATCH);
        if (await this.#together(batch)) continue;
        // The shared transaction failed: one outcome's error must not fail the others.
        for (const { input, resolve, reject } of batch) await this.#store.completeTry(input).then(resolve, reject);
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #together(batch: readonly Pending[]): Promise<boolean> {
    // (The store takes the batch's row locks in a fixed order: see completeTries.)
    const request = this.#claim?.request(batch.length);
    let recorded: { results: CompleteTryResult[]; claimed: ClaimedTask[] };
    try {
      recorded = await this.#store.completeTries(batch.map((p) => p.input), request);
    } catch {
      // Recorded again one by one, without the claim (which may be what failed).
      if (request) this.#claim?.done(request, [], [], []);
      return false;
    }
    batch.forEach((p, i) => p.resolve(recorded.results[i] as CompleteTryResult));
    if (request) this.#claim?.done(request, recorded.claimed, batch.map((p) => p.input), recorded.results);
    return true;
  }
}
