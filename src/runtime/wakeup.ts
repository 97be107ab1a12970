/**
 * A wake-up signal for a loop that sleeps between polls. A `wake()` that arrives while the loop
 * is busy is remembered, so the next `wait()` returns at once and no wake-up is ever lost.
 */
export class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;

  wake(): void {
    if (this.#resolve) {
      const resolve = this.#resolve;
      this.#resolve = undefined;
      resolve();
    } else {
      this.#pending = true;
    }
  }

  /** Resolves on the next wake-up, or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#resolve = undefined;
        resolve();
      }, Math.max(0, timeoutMs));
      this.#resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
