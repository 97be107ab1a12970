/** Loading data from the API into a component, with loading and error states and a reload. */
import { useCallback, useEffect, useRef, useState } from "react";

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  /** True until the first answer (later reloads keep showing the data they replace). */
  readonly loading: boolean;
  reload(): void;
  /** Replaces the data locally (an optimistic or live update). */
  mutate(update: (current: T | undefined) => T | undefined): void;
}

/**
 * Runs `load` now and again whenever `deps` change or `reload()` is called. An answer that
 * arrives after a newer request was started is dropped.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], initial?: T): Resource<T> {
  // With `initial` (an earlier answer), the page shows it at once and refreshes it in the background.
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: initial, error: undefined, loading: initial === undefined });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const depsKey = JSON.stringify(deps);
  const lastKey = useRef(depsKey);
  useEffect(() => {
    const controller = new AbortController();
    // New inputs (another DAG, another run): show loading rather than the previous one's data.
    if (lastKey.current !== depsKey) {
      lastKey.current = depsKey;
      setState({ data: undefined, error: undefined, loading: true });
    }
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [depsKey, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const mutate = useCallback((update: (current: T | undefined) => T | undefined) => setState((s) => ({ ...s, data: update(s.data) })), []);
  return { ...state, reload, mutate };
}
