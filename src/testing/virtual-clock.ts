/**
 * The clock of a test run: it stands still while tasks run and jumps to the next retry or to the
 * end of a timed-out try, so backoff and timeouts take no real time. Every time the store records
 * (claims, tries, history, retry due times) is read from it.
 */
export class VirtualClock {
  #now: number;

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  /** Moves the clock forward to `to` (never backwards). */
  advanceTo(to: Date | number): void {
    this.#now = Math.max(this.#now, typeof to === "number" ? to : to.getTime());
  }
}
