/** Admin: users, API tokens and the audit log. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { parseDateInZone } from "../../core/calendar.js";
import { ROLES, type Role } from "../../store/index.js";
import { actorOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { isoDate } from "../route-schemas.js";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../../access/passwords.js";
import { generateToken, hashSecret } from "../../access/tokens.js";
import { apiTokenListSchema, auditListSchema, createdTokenSchema, userListSchema, userSchema } from "../responses/admin.js";
import { AUTH_ERRORS, noContent, responses } from "../responses/responses.js";

const role = z.enum(ROLES as [Role, ...Role[]]);
const username = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, "1 to 64 letters, digits or _ . @ -");
const usernameParam = z.object({ username: z.string().min(1).max(100) });

export const adminRoutes = (ctx: ApiContext): FastifyPluginAsyncZod => async (app) => {
  const userJson = (u: { username: string; role: Role; mustChangePassword: boolean; createdAt: Date; passwordChangedAt: Date | null }) => ({
    username: u.username,
    role: u.role,
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt,
    passwordChangedAt: u.passwordChangedAt,
  });

  app.get("/users", { config: { access: "admin" }, schema: { summary: "List users", tags: ["admin"], operationId: "listUsers", response: responses({ 200: userListSchema }, ...AUTH_ERRORS) } }, async () => ({
    users: (await ctx.store.access.listUsers()).map(userJson),
  }));

  app.post(
    "/users",
    {
      config: { access: "admin" },
      schema: {
        summary: "Create a user",
        tags: ["admin"],
        operationId: "createUser",
        response: responses({ 201: userSchema }, 400, 409, ...AUTH_ERRORS),
        body: z.strictObject({ username, role, password: z.string().min(MIN_PASSWORD_LENGTH).max(1_000) }),
      },
    },
    async (request, reply) => {
      const user = await ctx.store.access.createUser({
        username: request.body.username,
        role: request.body.role,
        passwordHash: await hashPassword(request.body.password),
        now: ctx.now(),
      });
      await ctx.store.access.appendAudit({ actor: actorOf(request.principal), action: "user.create", target: user.username, details: { role: user.role }, now: ctx.now() });
      return reply.status(201).send(userJson(user));
    },
  );

  app.patch(
    "/users/:username",
    {
      config: { access: "admin" },
      schema: {
        summary: "Change a user's role or password (a new password ends their sessions)",
        tags: ["admin"],
        operationId: "updateUser",
        response: responses({ 200: userSchema }, 400, 404, 409, ...AUTH_ERRORS),
        params: usernameParam,
        body: z.strictObject({ role: role.optional(), password: z.string().min(MIN_PASSWORD_LENGTH).max(1_000).optional() }),
      },
    },
    async (request) => {
      const name = request.params.username;
      if (!(await ctx.store.access.getUserByName(name))) throw notFound(`user "${name}" not found`);
      if (request.body.role !== undefined) await ctx.store.access.setRole(name, request.body.role);
      if (request.body.password !== undefined) await ctx.store.access.setPassword(name, await hashPassword(request.body.password), ctx.now());
      // A new password ends the user's sessions, a new role may end what they may read: streams re-check now.
      ctx.credentialChanges.notify();
      await ctx.store.access.appendAudit({
        actor: actorOf(request.principal),
        action: "user.update",
        target: name,
        details: { role: request.body.role ?? null, passwordChanged: request.body.password !== undefined },
        now: ctx.now(),
      });
      const user = await ctx.store.access.getUserByName(name);
      if (!user) throw notFound(`user "${name}" not found`);
      return userJson(user);
    },
  );

  app.delete(
    "/users/:username",
    { config: { access: "admin" }, schema: {
        summary: "Delete a user with their tokens and sessions",
        tags: ["admin"],
        operationId: "deleteUser",
        params: usernameParam,
        response: responses({ 204: noContent }, 400, 404, 409, ...AUTH_ERRORS),
      },
    },
    async (request, reply) => {
      if (!(await ctx.store.access.deleteUser(request.params.username))) throw notFound(`user "${request.params.username}" not found`);
      ctx.credentialChanges.notify();
      await ctx.store.access.appendAudit({ actor: actorOf(request.principal), action: "user.delete", target: request.params.username, now: ctx.now() });
      return reply.status(204).send();
    },
  );

  app.get("/tokens", { config: { access: "admin" }, schema: { summary: "List API tokens (never their values)", tags: ["admin"], operationId: "listTokens", response: responses({ 200: apiTokenListSchema }, ...AUTH_ERRORS) } }, async () => ({
    tokens: await ctx.store.access.listApiTokens({}),
  }));

  app.post(
    "/tokens",
    {
      config: { access: "admin" },
      schema: {
        summary: "Create an API token for a user; the value is shown only in this response",
        tags: ["admin"],
        operationId: "createToken",
        response: responses({ 201: createdTokenSchema }, 400, 404, ...AUTH_ERRORS),
        body: z.strictObject({ username, name: z.string().min(1).max(100) }),
      },
    },
    async (request, reply) => {
      const user = await ctx.store.access.getUserByName(request.body.username);
      if (!user) throw notFound(`user "${request.body.username}" not found`);
      const token = generateToken();
      const record = await ctx.store.access.createApiToken({ userId: user.id, name: request.body.name, tokenHash: hashSecret(token), now: ctx.now() });
      await ctx.store.access.appendAudit({
        actor: actorOf(request.principal),
        action: "token.create",
        target: `${user.username}/${record.name}`,
        details: { tokenId: record.id },
        now: ctx.now(),
      });
      return reply.status(201).send({ ...record, token });
    },
  );

  app.delete(
    "/tokens/:id",
    { config: { access: "admin" }, schema: {
        summary: "Revoke an API token",
        tags: ["admin"],
        operationId: "revokeToken",
        params: z.object({ id: z.coerce.number().int().min(1) }),
        response: responses({ 204: noContent }, 400, 404, ...AUTH_ERRORS),
      },
    },
    async (request, reply) => {
      if (!(await ctx.store.access.revokeApiToken(request.params.id, ctx.now()))) throw notFound(`no live API token ${request.params.id}`);
      ctx.credentialChanges.notify();
      await ctx.store.access.appendAudit({ actor: actorOf(request.principal), action: "token.revoke", target: String(request.params.id), now: ctx.now() });
      return reply.status(204).send();
    },
  );

  app.get(
    "/audit",
    {
      config: { access: "admin" },
      schema: {
        summary:
          "The audit log, latest first; filter by action, actor (a user name also matches their tokens, `cli` every local command), target and time; page with `before` (the last id you have)",
        tags: ["admin"],
        operationId: "listAudit",
        response: responses({ 200: auditListSchema }, 400, ...AUTH_ERRORS),
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1_000).default(100),
          before: z.coerce.number().int().min(1).optional(),
          action: z.string().max(100).optional(),
          actor: z.string().min(1).max(200).optional(),
          target: z.string().min(1).max(500).optional(),
          since: isoDate.optional(),
          until: isoDate.optional(),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return {
        entries: await ctx.store.access.listAudit({
          limit: q.limit,
          beforeId: q.before,
          action: q.action,
          actor: q.actor,
          target: q.target,
          since: q.since === undefined ? undefined : parseDateInZone(q.since, "UTC", { field: "since" }),
          until: q.until === undefined ? undefined : parseDateInZone(q.until, "UTC", { field: "until" }),
        }),
      };
    },
  );
};
