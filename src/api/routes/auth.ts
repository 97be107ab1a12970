/**
 * Logging in and out of the UI: a password exchanges for a session cookie (HttpOnly, SameSite,
 * scoped to the server's base path) plus a CSRF token that writes must echo in a header.
 */
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf, type ApiContext } from "../context.js";
import { ApiError, badRequest, unauthenticated } from "../errors.js";
import { SESSION_COOKIE } from "../auth/authenticate.js";
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "../../access/passwords.js";
import { generateCsrfToken, generateSessionId, hashSecret } from "../../access/tokens.js";
import { loginAnswerSchema, meSchema, passwordChangedSchema } from "../responses/auth.js";
import { AUTH_ERRORS, noContent, responses } from "../responses/responses.js";

export interface SessionSettings {
  /** The path the cookie is scoped to (the server's base path). */
  readonly cookiePath: string;
  /** Send the cookie only over HTTPS (on when the server is behind TLS). */
  readonly secureCookies: boolean;
  readonly sessionTtlMs: number;
  /** Login (and password change) attempts per minute from one client address. */
  readonly loginRateLimit: number;
}

const credentials = z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(1_000) });

export const authRoutes = (ctx: ApiContext, settings: SessionSettings): FastifyPluginAsyncZod => async (app) => {
  const openSession = async (reply: FastifyReply, userId: number) => {
    const sessionId = generateSessionId();
    const csrfToken = generateCsrfToken();
    const now = ctx.now();
    await ctx.store.access.createSession({ userId, sessionHash: hashSecret(sessionId), csrfToken, expiresAt: new Date(now.getTime() + settings.sessionTtlMs), now });
    void reply.setCookie(SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: "strict",
      secure: settings.secureCookies,
      path: settings.cookiePath,
      maxAge: Math.floor(settings.sessionTtlMs / 1_000),
    });
    return csrfToken;
  };

  app.post(
    "/auth/login",
    {
      config: { access: "public", rateLimit: { max: settings.loginRateLimit, timeWindow: 60_000 } },
      schema: {
        summary: "Log in with a password; sets the session cookie and returns the CSRF token",
        tags: ["auth"],
        operationId: "login",
        body: credentials,
        response: responses({ 200: loginAnswerSchema }, 400, 401, 429),
      },
    },
    async (request, reply) => {
      const user = await ctx.store.access.getUserByName(request.body.username);
      // The same answer for an unknown user and a wrong password: no probing for user names.
      if (!(await verifyPassword(request.body.password, user?.passwordHash ?? null)) || !user) throw unauthenticated("wrong user name or password");
      const csrfToken = await openSession(reply, user.id);
      await ctx.store.access.appendAudit({ actor: user.username, action: "auth.login", target: user.username, now: ctx.now() });
      return { user: { username: user.username, role: user.role, mustChangePassword: user.mustChangePassword }, csrfToken };
    },
  );

  app.post("/auth/logout", { config: { access: "viewer" }, schema: { summary: "End this session", tags: ["auth"], operationId: "logout", response: responses({ 204: noContent }, ...AUTH_ERRORS) } }, async (request, reply) => {
    const via = request.principal?.via;
    if (via?.kind === "session") await ctx.store.access.revokeSession(via.sessionHash, ctx.now());
    ctx.credentialChanges.notify();
    void reply.clearCookie(SESSION_COOKIE, { path: settings.cookiePath });
    return reply.status(204).send();
  });

  app.get("/auth/me", { config: { access: "viewer" }, schema: { summary: "Who is calling", tags: ["auth"], operationId: "getMe", response: responses({ 200: meSchema }, ...AUTH_ERRORS) } }, async (request) => {
    const p = request.principal;
    if (!p) throw unauthenticated();
    return {
      username: p.username,
      role: p.role,
      mustChangePassword: p.mustChangePassword,
      authenticatedWith: p.via.kind,
      csrfToken: p.via.kind === "session" ? p.via.csrfToken : null,
    };
  });

  app.post(
    "/auth/password",
    {
      // It checks the current password: without a limit, a stolen session could guess it freely.
      config: { access: "viewer", rateLimit: { max: settings.loginRateLimit, timeWindow: 60_000 } },
      schema: {
        summary: "Change your password; ends every session of yours and opens a new one for this browser",
        tags: ["auth"],
        operationId: "changePassword",
        response: responses({ 200: passwordChangedSchema }, 400, 429, ...AUTH_ERRORS),
        body: z.strictObject({ currentPassword: z.string().min(1).max(1_000), newPassword: z.string().max(1_000) }),
      },
    },
    async (request, reply) => {
      const p = request.principal;
      if (!p) throw unauthenticated();
      const user = await ctx.store.access.getUser(p.userId);
      if (!user || !(await verifyPassword(request.body.currentPassword, user.passwordHash))) {
        throw new ApiError(403, "forbidden", "the current password is wrong", "currentPassword");
      }
      checkNewPassword(request.body.newPassword, request.body.currentPassword);
      await ctx.store.access.setPassword(user.username, await hashPassword(request.body.newPassword), ctx.now());
      // The user's other sessions have just ended: their streams close now, not at their next check.
      ctx.credentialChanges.notify();
      await ctx.store.access.appendAudit({ actor: actorOf(p), action: "user.password_change", target: user.username, now: ctx.now() });
      const csrfToken = p.via.kind === "session" ? await openSession(reply, user.id) : null;
      return { username: user.username, csrfToken };
    },
  );
};

export function checkNewPassword(password: string, previous?: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw badRequest(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`, "newPassword");
  if (previous !== undefined && password === previous) throw badRequest("the new password is the same as the current one", "newPassword");
}
