/**
 * Who may answer a human approval (docs/approvals.md): the approval's role and every role above
 * it, or its named users. Admins may answer any approval, as they may do anything else.
 */
import type { Approvers } from "../../core/types.js";
import type { Role } from "../../store/index.js";
import { forbidden } from "../errors.js";
import { roleAllows } from "./roles.js";

export function mayAnswer(approvers: Approvers, caller: { readonly username: string; readonly role: Role } | undefined): boolean {
  if (caller === undefined) return false;
  if (caller.role === "admin") return true;
  return "role" in approvers ? roleAllows(caller.role, approvers.role) : approvers.users.includes(caller.username);
}

/** A 403 naming who answers, unless the caller may (`what`: the approval, as the message names it; `instead`: what to do). */
export function requireApprover(approvers: Approvers, caller: { readonly username: string; readonly role: Role } | undefined, what: string, instead = ""): void {
  if (!mayAnswer(approvers, caller)) throw forbidden(`${what} is answered by ${describeApprovers(approvers)}${instead}`);
}

/** How an error message names the approvers. */
export function describeApprovers(approvers: Approvers): string {
  return "role" in approvers ? `the ${approvers.role} role or above` : `the users ${approvers.users.join(", ")}`;
}
