/**
 * One EventSource on /api/v1/stream for the whole app; components subscribe to the state changes
 * they care about. The browser reconnects by itself (sending Last-Event-ID, so nothing is missed);
 * `connected` says whether the page is live right now.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { apiUrl } from "../api/client";
import type { StateChange } from "../api/types";

type Listener = (change: StateChange) => void;

interface LiveUpdates {
  subscribe(listener: Listener): () => void;
  readonly connected: boolean;
}

const LiveContext = createContext<LiveUpdates>({ subscribe: () => () => undefined, connected: false });

export function LiveUpdatesProvider({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource(apiUrl("stream"), { withCredentials: true });
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener("state", (event) => {
      let change: StateChange;
      try {
        change = JSON.parse((event as MessageEvent<string>).data) as StateChange;
      } catch {
        return;
      }
      for (const listener of listeners.current) listener(change);
    });
    return () => source.close();
  }, []);
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo(() => ({ subscribe, connected }), [subscribe, connected]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export const useLiveStatus = () => useContext(LiveContext).connected;

/**
 * Calls `onChange` for every state change that `filter` accepts. The latest callbacks are used
 * without resubscribing, so callers may pass inline functions.
 */
export function useStateChanges(onChange: Listener, filter: (change: StateChange) => boolean = () => true): void {
  const { subscribe } = useContext(LiveContext);
  const latest = useRef({ onChange, filter });
  latest.current = { onChange, filter };
  useEffect(
    () =>
      subscribe((change) => {
        if (latest.current.filter(change)) latest.current.onChange(change);
      }),
    [subscribe],
  );
}

/**
 * Bumps a counter at most every `delayMs` while changes keep coming: a cheap way to refetch a
 * view when something in it changed, without one request per event.
 */
export function useChangeTick(filter: (change: StateChange) => boolean, delayMs = 300): number {
  const [tick, setTick] = useState(0);
  const timer = useRef<number | undefined>(undefined);
  useStateChanges(() => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      setTick((t) => t + 1);
    }, delayMs);
  }, filter);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return tick;
}
