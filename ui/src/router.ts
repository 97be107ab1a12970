/**
 * Pages are addressed by the URL hash (`#/dags/daily_sales_report?tab=grid`): the server needs no
 * routes of its own and the app works unchanged under any base path.
 */
import { useEffect, useState, useSyncExternalStore } from "react";

export interface Route {
  /** Path segments, decoded: `["dags", "daily_sales_report"]`. */
  readonly parts: readonly string[];
  readonly query: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#/, "") || "/dags";
  const [path = "", search = ""] = raw.split("?");
  const parts = path.split("/").filter((p) => p !== "").map((p) => decodeURIComponent(p));
  return { parts, query: new URLSearchParams(search) };
}

function subscribe(callback: () => void): () => void {
  window.addEventListener("hashchange", callback);
  return () => window.removeEventListener("hashchange", callback);
}

const useHash = () => useSyncExternalStore(subscribe, () => window.location.hash);

export function useRoute(): Route {
  return parse(useHash());
}

/**
 * State that lasts while the URL stays the same, such as an open dialog: once the URL changes
 * (Back, a link, another DAG) it reads as unset, in the very render that shows the new page.
 */
export function useRouteBoundState<T>(): [T | undefined, (value: T | undefined) => void] {
  const hash = useHash();
  const [state, setState] = useState<{ readonly value: T; readonly hash: string } | undefined>();
  const stale = state !== undefined && state.hash !== hash;
  // Forget it too, or it would come back with Forward to its URL.
  useEffect(() => {
    if (stale) setState(undefined);
  }, [stale]);
  const set = (value: T | undefined) => setState(value === undefined ? undefined : { value, hash: window.location.hash });
  return [stale ? undefined : state?.value, set];
}

/** `href("dags", id)` with query values (empty ones left out). */
export function href(parts: readonly string[], query: Readonly<Record<string, string | number | null | undefined>> = {}): string {
  const path = parts.map((p) => encodeURIComponent(p)).join("/");
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  const qs = search.toString();
  return `#/${path}${qs ? `?${qs}` : ""}`;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/** Changes some query values of the current page, keeping its path and the other values. */
export function setQuery(route: Route, changes: Readonly<Record<string, string | number | null | undefined>>, options: { replace?: boolean } = {}): void {
  const query: Record<string, string> = {};
  route.query.forEach((value, key) => {
    query[key] = value;
  });
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === null || value === "") delete query[key];
    else query[key] = String(value);
  }
  navigate(href(route.parts, query), options);
}
