/** Who is logged in: the session's user and role, and what that role may do. */
import { createContext, useContext } from "react";
import type { Me, Role } from "./api/types";

const RANK: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, admin: 2 };

export interface Session {
  readonly me: Me;
  logout(): Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside the logged-in app");
  return session;
}

/** Whether the logged-in user has at least `role` (operators act on runs; viewers only look). */
export function useCan(role: Role): boolean {
  return RANK[useSession().me.role] >= RANK[role];
}
