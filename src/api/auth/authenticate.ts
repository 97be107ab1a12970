/**
 * Finds out who is calling: an API token (`Authorization: Bearer trb_...`) or a UI session cookie.
 * Writes through a session cookie must also carry the session's CSRF token in `X-CSRF-Token`, so a
 * page on another site cannot make a logged-in browser act (tokens are never sent automatically,
 * so they need no such check).
 */
import type { FastifyRequest } from "fastify";
import type { ApiContext, Principal } from "../context.js";
import { forbidden, unauthenticated } from "../errors.js";
import { hashSecret } from "../../access/tokens.js";

export const SESSION_COOKIE = "tributary_session";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export async function authenticate(request: FastifyRequest, ctx: ApiContext): Promise<Principal> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthenticated("malformed Authorization header: expected `Bearer <token>`");
    const token = await ctx.store.access.useApiToken(hashSecret(match[1]), ctx.now());
    if (!token) throw unauthenticated("invalid or revoked API token");
    return { userId: token.userId, username: token.username, role: token.role, via: { kind: "token", tokenName: token.name }, mustChangePassword: false };
  }
  const sessionId = request.cookies[SESSION_COOKIE];
  if (!sessionId) throw unauthenticated();
  const sessionHash = hashSecret(sessionId);
  const session = await ctx.store.access.findSession(sessionHash, ctx.now());
  if (!session) throw unauthenticated("session expired or logged out");
  const user = await ctx.store.access.getUser(session.userId);
  if (!user) throw unauthenticated("session expired or logged out");
  if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== session.csrfToken) {
    throw forbidden(`missing or wrong ${CSRF_HEADER} header for a write with a session cookie`);
  }
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    via: { kind: "session", sessionHash, csrfToken: session.csrfToken },
    mustChangePassword: user.mustChangePassword,
  };
}
