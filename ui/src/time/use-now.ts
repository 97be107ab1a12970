/** The clock, re-read every second while `ticking`: what makes a running duration or an open bar grow. */
import { useEffect, useState } from "react";

export function useNow(ticking: boolean, everyMs = 1_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [ticking, everyMs]);
  return now;
}
