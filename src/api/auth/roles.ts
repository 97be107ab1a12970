/**
 * Who may call a route (docs/architecture.md §8): each role includes the ones before it. Every route declares
 * one; `public` is for the few that must work without credentials (health, login).
 */
import type { Role } from "../../store/index.js";

export type RouteAccess = Role | "public";

const RANK: Readonly<Record<Role, number>> = { viewer: 1, operator: 2, admin: 3 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}
