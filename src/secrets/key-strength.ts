/**
 * A key of the right length can still be guessable: all zeros, a repeated pattern, a counting
 * sequence (typed by hand, or a placeholder left in a deployment). 32 random bytes have about 30
 * different byte values and about 30 different steps between neighbours; fewer than 20 of either
 * happens to a random key with a probability far below 10^-12, so refusing such keys costs
 * nothing and catches the hand-made ones.
 */
const MIN_DISTINCT = 20;

/** True when the key looks hand-made rather than random. */
export function isWeakKey(key: Uint8Array): boolean {
  const bytes = new Set(key);
  const steps = new Set<number>();
  for (let i = 1; i < key.length; i++) steps.add(((key[i] ?? 0) - (key[i - 1] ?? 0) + 256) % 256);
  return bytes.size < MIN_DISTINCT || steps.size < MIN_DISTINCT;
}
