/**
 * How the scheduler groups its writes into transactions: the runs it creates (a catch-up's, or
 * those of many DAGs that came due in the same tick), and the DAGs whose queued runs it starts.
 * Many to a transaction (one commit, not one each), while a transaction stays short enough not to
 * hold up the workers' commits for long: at most MAX_RUNS_PER_TRANSACTION items and
 * INSTANCES_PER_TRANSACTION task instances written (an item of more goes alone). The number of
 * items is a power of two, so that PostgreSQL's named statements
 * (store/postgres/prepared-statements.ts) meet few lengths of lists.
 */
export const MAX_RUNS_PER_TRANSACTION = 64;
export const INSTANCES_PER_TRANSACTION = 2_000;

/** `items` in order, cut into transactions; `instancesOf` is how many task instances an item writes (a run's, a start's). */
export function transactionBatches<T>(items: readonly T[], instancesOf: (item: T) => number): T[][] {
  const batches: T[][] = [];
  for (let first = 0; first < items.length; ) {
    let count = 0;
    let instances = 0;
    while (first + count < items.length && count < MAX_RUNS_PER_TRANSACTION) {
      const more = Math.max(1, instancesOf(items[first + count] as T));
      if (count > 0 && instances + more > INSTANCES_PER_TRANSACTION) break;
      instances += more;
      count++;
    }
    const size = largestPowerOfTwoUpTo(count);
    batches.push(items.slice(first, first + size));
    first += size;
  }
  return batches;
}

function largestPowerOfTwoUpTo(n: number): number {
  let size = 1;
  while (size * 2 <= n) size *= 2;
  return size;
}
