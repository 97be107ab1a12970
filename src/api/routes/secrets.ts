/**
 * Secrets for admins: names and where each comes from (environment, files, store), never a value;
 * setting and deleting secrets of the store backend. A value arrives only in `PUT`'s body and
 * leaves encrypted for the store: no answer, log line or audit entry carries it. The environment
 * and files the list shows are this API process's (a worker elsewhere may see others).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { SECRET_KEY_ENV, type SecretKey } from "../../secrets/cipher.js";
import { setStoredSecret } from "../../secrets/secret-admin.js";
import { createSecretResolver, secretKeyFrom } from "../../secrets/secret-config.js";
import { listSecretSources } from "../../secrets/secret-sources.js";
import { actorOf, type ApiContext } from "../context.js";
import { conflict, notFound } from "../errors.js";
import { secretListSchema, storedSecretSchema } from "../responses/admin.js";
import { AUTH_ERRORS, noContent, responses } from "../responses/responses.js";

export interface SecretSettings {
  /** Where the environment backend reads (default: this process's environment). */
  readonly env?: NodeJS.ProcessEnv;
  /** The files backend's folder (`--secrets-dir`), if any. */
  readonly dir?: string | undefined;
}

const secretParam = z.object({ name: z.string().min(1).max(200) });

export const secretRoutes = (ctx: ApiContext, settings: SecretSettings): FastifyPluginAsyncZod => async (app) => {
  const env = settings.env ?? process.env;

  /** The store backend's key, or why secrets cannot be stored through this server. */
  const storeKey = (): { key: SecretKey } | { reason: string } => {
    try {
      const key = secretKeyFrom(env);
      return key ? { key } : { reason: `${SECRET_KEY_ENV} is not set on the API server` };
    } catch (error) {
      return { reason: error instanceof Error ? error.message : String(error) };
    }
  };

  app.get(
    "/secrets",
    {
      config: { access: "admin" },
      schema: {
        summary: "Secret names and where each comes from (environment, files, store), never values; whether this server can store secrets",
        tags: ["secrets"],
        operationId: "listSecrets",
        response: responses({ 200: secretListSchema }, ...AUTH_ERRORS),
      },
    },
    async () => {
      const key = storeKey();
      return {
        secrets: await listSecretSources(ctx.store, createSecretResolver({ store: ctx.store, env, dir: settings.dir })),
        store: "key" in key ? { writable: true, keyId: key.key.keyId, reason: null } : { writable: false, keyId: null, reason: key.reason },
      };
    },
  );

  app.put(
    "/secrets/:name",
    {
      config: { access: "admin" },
      schema: {
        summary: "Store a secret, encrypted with the server's TRIBUTARY_SECRET_KEY (replaces the stored value of that name)",
        tags: ["secrets"],
        operationId: "setSecret",
        params: secretParam,
        response: responses({ 200: storedSecretSchema }, 400, 409, ...AUTH_ERRORS),
        body: z.strictObject({ value: z.string().min(1).max(65_536) }),
      },
    },
    async (request) => {
      const key = storeKey();
      if (!("key" in key)) throw conflict(`secrets cannot be stored through this server: ${key.reason}`);
      const { name } = request.params;
      const now = ctx.now();
      await setStoredSecret(ctx.store, key.key, name, request.body.value, now);
      await ctx.store.access.appendAudit({ actor: actorOf(request.principal), action: "secret.set", target: name, details: { keyId: key.key.keyId }, now });
      return { name, source: "store" as const, keyId: key.key.keyId, updatedAt: now };
    },
  );

  app.delete(
    "/secrets/:name",
    {
      config: { access: "admin" },
      schema: { summary: "Delete a stored secret (secrets of the environment or files are removed where they are set)", tags: ["secrets"],
        operationId: "deleteSecret",
        params: secretParam,
        response: responses({ 204: noContent }, 400, 404, ...AUTH_ERRORS),
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      if (!(await ctx.store.deleteSecret(name))) throw notFound(`no stored secret "${name}"`);
      await ctx.store.access.appendAudit({ actor: actorOf(request.principal), action: "secret.delete", target: name, now: ctx.now() });
      return reply.status(204).send();
    },
  );
};
