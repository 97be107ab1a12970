/**
 * The same object, counting the calls of some of its methods: a test waits for "three more
 * scheduler ticks" (each tick calls the store's `listPausedDagIds`) instead of sleeping for about
 * that long. Every call still goes to the real object.
 */
export interface CallCounter<T extends object> {
  /** Use this in place of the original. */
  readonly target: T;
  /** Calls of `method` so far. */
  calls(method: keyof T): number;
}

export function countCalls<T extends object>(original: T, methods: readonly (keyof T)[]): CallCounter<T> {
  const counts = new Map<keyof T, number>(methods.map((m) => [m, 0]));
  const target = new Proxy(original, {
    // Getters and methods run on the original (its private fields are not the proxy's).
    get(object, key) {
      const value: unknown = Reflect.get(object, key);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!counts.has(key as keyof T)) return method.bind(object);
      return (...args: unknown[]) => {
        counts.set(key as keyof T, (counts.get(key as keyof T) ?? 0) + 1);
        return method.apply(object, args);
      };
    },
  });
  return {
    target,
    calls: (method) => {
      const n = counts.get(method);
      if (n === undefined) throw new Error(`countCalls: ${String(method)} is not counted`);
      return n;
    },
  };
}
