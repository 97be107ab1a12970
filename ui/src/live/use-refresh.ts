/**
 * Reloads a view every `everyMs`, and soon after a state change that `when` accepts: for what the
 * live stream does not carry whole (alerts raised by the dispatcher, queue counts).
 */
import { useEffect } from "react";
import type { StateChange } from "../api/types";
import { useChangeTick } from "./live-updates";

export function useRefresh(reload: () => void, when: (change: StateChange) => boolean, everyMs: number, delayMs = 1_000): void {
  const tick = useChangeTick(when, delayMs);
  useEffect(() => {
    if (tick > 0) reload();
  }, [tick, reload]);
  useEffect(() => {
    const timer = window.setInterval(reload, everyMs);
    return () => window.clearInterval(timer);
  }, [reload, everyMs]);
}
