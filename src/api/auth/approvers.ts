/**
 * Who may answer a human approval (docs/approvals.md): the approval's role and every role above
 * it, or its named users. Admins may answer any approval, as they may do anything else.
 */
import type { Approvers } from "../../core/types.js";
import type { Role } from "../../store/index.js";
import { roleAllows } from "./roles.js";

export function mayAnswer(approvers: Approvers, caller: { readonly username: string; readonly role: Role }): boolean {
  if (caller.role === "admin") return true;
  return "role" in approvers ? roleAllows(caller.role, approvers.role) : approvers.users.includes(caller.username);
}

/** How an error message names the approvers. */
export function describeApprovers(approvers: Approvers): string {
  return "role" in approvers ? `the ${approvers.role} role or above` : `the users ${approvers.users.join(", ")}`;
}
