/**
 * How the audit log names a local command's user: `cli (<os user>)`. The API names its callers
 * `alice` or `alice (token ci)` (api/context.ts), so an audit filter on `cli` finds every local
 * command, whoever ran it.
 */
import { userInfo } from "node:os";

export function cliActor(): string {
  return `cli (${osUser()})`;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): the environment may still say.
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}
