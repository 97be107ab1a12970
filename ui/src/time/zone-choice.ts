/**
 * Which zone the UI shows times in: the user's choice in the header (UTC, the browser's zone, or
 * the DAG's zone), remembered in localStorage, and the zone of the DAG the page is about, which
 * that page publishes while it is shown. Off DAG pages, "the DAG's zone" falls back to UTC.
 */
import { useEffect, useSyncExternalStore } from "react";
import { isZone } from "./zoned-format";

export type ZoneChoice = "utc" | "browser" | "dag";

const STORAGE_KEY = "tributary.timeZone";
/** Airflow's default too: the same time on every page and for every user. */
const DEFAULT_CHOICE: ZoneChoice = "utc";

const listeners = new Set<() => void>();
let choice: ZoneChoice = readChoice();
let pageDagZone: string | null = null;

function readChoice(): ZoneChoice {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage blocked: the default
  }
  return saved === "utc" || saved === "browser" || saved === "dag" ? saved : DEFAULT_CHOICE;
}

function changed(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab changed the choice: follow it.
window.addEventListener("storage", (event) => {
  if (event.key !== STORAGE_KEY) return;
  choice = readChoice();
  changed();
});

export function setZoneChoice(next: ZoneChoice): void {
  choice = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  changed();
}

export const useZoneChoice = (): ZoneChoice => useSyncExternalStore(subscribe, () => choice);

/** The zone of the DAG the current page shows, or null off DAG pages. */
export const usePageDagZone = (): string | null => useSyncExternalStore(subscribe, () => pageDagZone);

/** A DAG page says which DAG's zone "the DAG's zone" means while it is shown (null: UTC). */
export function usePublishDagZone(zone: string | null | undefined): void {
  const known = zone === undefined ? undefined : zone !== null && isZone(zone) ? zone : "UTC";
  useEffect(() => {
    if (known === undefined) return;
    pageDagZone = known;
    changed();
    return () => {
      pageDagZone = null;
      changed();
    };
  }, [known]);
}

export function browserZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isZone(zone) ? zone : "UTC";
}

/** The IANA zone times are shown in now. */
export function useDisplayZone(): string {
  const current = useZoneChoice();
  const dagZone = usePageDagZone();
  if (current === "browser") return browserZone();
  if (current === "dag") return dagZone ?? "UTC";
  return "UTC";
}
