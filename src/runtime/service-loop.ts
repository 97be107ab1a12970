/**
 * A long-running loop (like Dagster's daemons): runs its body, sleeps for as long as the body
 * asks or until woken, and keeps going after an error (reported, never fatal). The scheduler, the
 * retry timer and the worker's claim loop are each one.
 */
import { Wakeup } from "./wakeup.js";

export class ServiceLoop {
  readonly #body: () => Promise<number>;
  readonly #onError: (error: unknown) => void;
  readonly #errorSleepMs: number;
  readonly #wakeup = new Wakeup();
  #running = false;
  #loop: Promise<void> | undefined;

  /**
   * @param body one pass; resolves to how long to sleep before the next (0: go again at once).
   * @param onError called with whatever a pass throws; the loop sleeps `errorSleepMs`, then retries.
   */
  constructor(body: () => Promise<number>, onError: (error: unknown) => void, errorSleepMs = 1_000) {
    this.#body = body;
    this.#onError = onError;
    this.#errorSleepMs = errorSleepMs;
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Ends the current sleep (or makes the next one end at once). */
  wake(): void {
    this.#wakeup.wake();
  }

  /** Stops after the current pass; resolves when it has ended. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wakeup.wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let sleepMs: number;
      try {
        sleepMs = await this.#body();
      } catch (error) {
        this.#onError(error);
        sleepMs = this.#errorSleepMs;
      }
      if (this.#running && sleepMs > 0) await this.#wakeup.wait(sleepMs);
    }
  }
}
