/**
 * Pages are addressed by the URL hash (`#/dags/daily_sales_report?tab=grid`): the server needs no
 * routes of its own and the app works unchanged under any base path.
 */
import { useSyncExternalStore } from "react";

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

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parse(hash);
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
