/**
 * The HTTP server (docs/architecture.md §8): the REST API under `/api/v1`, `/health`, the OpenAPI document
 * generated from the same zod schemas that validate requests, live updates, and the UI's static
 * files. Every route declares the least role it needs (`config.access`); a route without one
 * stops the server from starting, so none is ever left open by accident.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import fastifyCookie from "@fastify/cookie";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Store } from "../store/index.js";
import type { LogFn } from "../logging/log-fields.js";
import { renderMetrics, type TributaryMetrics } from "../observability/metrics.js";
import { authenticate } from "./auth/authenticate.js";
import { CredentialChanges } from "./auth/credential-changes.js";
import { DEFAULT_STREAM_RECHECK_MS } from "./auth/stream-credential.js";
import { roleAllows, type RouteAccess } from "./auth/roles.js";
import type { ApiContext, DagSource } from "./context.js";
import { ApiError, errorHandler, forbidden, notFound } from "./errors.js";
import { fastifyTrustProxy, type TrustProxy } from "./trust-proxy.js";
import { SECURITY_HEADERS } from "./security-headers.js";
import { AUTH_ERRORS, responses, textResponse } from "./responses/responses.js";
import { responseSerializer } from "./response-serializer.js";
import { adminRoutes } from "./routes/admin.js";
import { poolRoutes } from "./routes/pools.js";
import { secretRoutes, type SecretSettings } from "./routes/secrets.js";
import { authRoutes } from "./routes/auth.js";
import { alertRoutes } from "./routes/alerts.js";
import { lineageRoutes } from "./routes/lineage.js";
import { backfillRoutes } from "./routes/backfills.js";
import { approvalRoutes } from "./routes/approvals.js";
import { eventRoutes } from "./routes/events.js";
import { dagRoutes } from "./routes/dags.js";
import { deadLetterRoutes } from "./routes/dead-letters.js";
import { healthRoutes } from "./routes/health.js";
import { runRoutes } from "./routes/runs.js";
import { runBulkRoutes } from "./routes/run-bulk.js";
import { runNoteRoutes } from "./routes/run-notes.js";
import { streamRoutes } from "./routes/stream.js";
import { taskInstanceRoutes } from "./routes/task-instances.js";

export interface ApiServerOptions {
  readonly store: Store;
  readonly dags: DagSource;
  readonly now?: () => Date;
  /** Where the server is mounted behind a proxy, e.g. `/tributary/` (default `/`). */
  readonly basePath?: string;
  /** Mark session cookies Secure (serve over HTTPS, or behind a TLS proxy). */
  readonly secureCookies?: boolean;
  readonly sessionTtlMs?: number;
  /** Login and password-change attempts per minute from one client address. */
  readonly loginRateLimit?: number;
  /** Which proxies to believe about the client's address (trust-proxy.ts); default none. */
  readonly trustProxy?: TrustProxy | undefined;
  readonly streamPollMs?: number;
  /** How often an open event stream authenticates its credential again (default 2 s; at once on changes made here). */
  readonly streamRecheckMs?: number | undefined;
  /** The built UI (index.html and assets), served at the base path when present. */
  readonly uiDir?: string;
  /** Fastify's logger: false (default) or pino options. */
  readonly logger?: boolean | Record<string, unknown>;
  /** This process's own observations (task durations, scheduler lag...) for `/metrics`. */
  readonly metrics?: TributaryMetrics;
  /** Where internal errors (500) are logged, with their request id; default standard error. */
  readonly log?: LogFn | undefined;
  /** Where the secrets the admin pages list come from (environment, `--secrets-dir`); default this process's environment. */
  readonly secrets?: SecretSettings;
  /** Fail an answer its response schema would change (tests): see response-serializer.ts. */
  readonly strictResponses?: boolean;
  /** More routes mounted under `/api/v1` by other parts. */
  readonly plugins?: readonly ApiPlugin[];
}

/** A part of the API that lives elsewhere; its routes must declare `config.access` like all others. */
export type ApiPlugin = (app: FastifyInstance, ctx: ApiContext) => Promise<void>;

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

/** Calls a session with a generated one-time password may make: only what it takes to replace it. */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(["/api/v1/auth/me", "/api/v1/auth/password", "/api/v1/auth/logout"]);

export async function createApiServer(options: ApiServerOptions): Promise<FastifyInstance & { readonly routeTable: readonly RouteEntry[] }> {
  const basePath = normaliseBasePath(options.basePath ?? "/");
  const ctx: ApiContext = { store: options.store, dags: options.dags, now: options.now ?? (() => new Date()), credentialChanges: new CredentialChanges() };
  const recheckMs = options.streamRecheckMs ?? DEFAULT_STREAM_RECHECK_MS;
  const handleError = errorHandler(options.log ?? logToStderr);
  const app = Fastify({ logger: options.logger ?? false, genReqId: () => randomBytes(8).toString("hex"), trustProxy: fastifyTrustProxy(options.trustProxy), bodyLimit: 1024 * 1024, forceCloseConnections: true, routerOptions: { maxParamLength: 1_000 }, frameworkErrors: handleError }).withTypeProvider<ZodTypeProvider>();
  // Fastify hands validators a missing body as null: make it undefined, so a body schema's `.default()` applies.
  app.setValidatorCompiler<Parameters<typeof validatorCompiler>[0]["schema"]>((route) => {
    const validate = validatorCompiler(route);
    return (data: unknown) => validate(route.httpPart === "body" && data === null ? undefined : data);
  });
  app.setSerializerCompiler<Parameters<ReturnType<typeof responseSerializer>>[0]["schema"]>(responseSerializer(options.strictResponses ?? false));
  app.setErrorHandler(handleError);

  const routeTable: RouteEntry[] = [];
  app.addHook("onRoute", (route) => {
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (access === undefined) {
      // Plugins' own routes (the static file server) are public files with no data in them.
      if (route.url.startsWith(`${basePath}api/`) || route.url === `${basePath}health` || route.url === `${basePath}metrics`) {
        throw new Error(`route ${methods.join(",")} ${route.url} declares no access role (config.access)`);
      }
      return;
    }
    for (const method of methods) if (method !== "HEAD") routeTable.push({ method, url: route.url, access });
  });

  // Every answer names its request: what a user quotes to find the server's log line.
  app.addHook("onRequest", async (request, reply) => {
    void reply.header("x-request-id", request.id);
  });
  // onSend: also on errors, 404s and the UI's static files.
  app.addHook("onSend", async (_request, reply) => {
    void reply.headers(SECURITY_HEADERS);
  });

  // Cookies are parsed by the plugin's own onRequest hook: it must run before authentication.
  await app.register(fastifyCookie);
  app.addHook("onRequest", async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === "public") return;
    const principal = await authenticate(request, ctx);
    request.principal = principal;
    const path = request.routeOptions.url ?? "";
    if (principal.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(path.slice(basePath.length - 1))) {
      throw new ApiError(403, "password_change_required", "change the one-time password first (POST /api/v1/auth/password)");
    }
    if (!roleAllows(principal.role, access)) throw forbidden(`this needs the ${access} role; ${principal.username} is ${principal.role}`);
  });

  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new ApiError(429, "rate_limited", `too many attempts; try again in ${Math.ceil(context.ttl / 1_000)} s`),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Tributary API", version: "1", description: "The REST API of Tributary, a workflow orchestrator." },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "An API token from `tributary tokens create`" },
          session: { type: "apiKey", in: "cookie", name: "tributary_session", description: "A UI session (writes also need X-CSRF-Token)" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    // The response schemas' `.meta({ id })` become components.schemas (responses/).
    transformObject: (document) => withoutUnusedInputSchemas(jsonSchemaTransformObject(document)),
  });

  await app.register(
    async (root) => {
      await root.register(healthRoutes(ctx));
      // Prometheus scrapes with a viewer token (bearer_token_file in its scrape config).
      root.get("/metrics", { config: { access: "viewer" }, schema: { summary: "Prometheus metrics", tags: ["metrics"], operationId: "getMetrics", response: responses({ 200: textResponse("text/plain", "Metrics in the Prometheus text format") }, ...AUTH_ERRORS) } }, async (_request, reply) => {
        const { contentType, body } = await renderMetrics(ctx.store, options.metrics);
        return reply.type(contentType).send(body);
      });
      await root.register(
        async (api) => {
          await api.register(authRoutes(ctx, {
            cookiePath: basePath,
            secureCookies: options.secureCookies ?? false,
            sessionTtlMs: options.sessionTtlMs ?? 12 * 3_600_000,
            loginRateLimit: options.loginRateLimit ?? 10,
          }));
          await api.register(dagRoutes(ctx));
          await api.register(runRoutes(ctx));
          await api.register(runBulkRoutes(ctx));
          await api.register(runNoteRoutes(ctx));
          await api.register(taskInstanceRoutes(ctx, { recheckMs }));
          await api.register(deadLetterRoutes(ctx));
          await api.register(backfillRoutes(ctx));
          await api.register(eventRoutes(ctx));
          await api.register(approvalRoutes(ctx));
          await api.register(alertRoutes(ctx));
          await api.register(lineageRoutes(ctx));
          await api.register(adminRoutes(ctx));
          await api.register(poolRoutes(ctx));
          await api.register(secretRoutes(ctx, options.secrets ?? {}));
          await api.register(streamRoutes(ctx, { pollMs: options.streamPollMs ?? 500, keepAliveMs: 15_000, recheckMs }));
          for (const plugin of options.plugins ?? []) await plugin(api as unknown as FastifyInstance, ctx);
          api.get("/openapi.json", { config: { access: "viewer" }, schema: { hide: true } }, async () => app.swagger());
        },
        { prefix: "/api/v1" },
      );
    },
    { prefix: basePath === "/" ? "" : basePath.slice(0, -1) },
  );
  const serveUi = options.uiDir !== undefined && existsSync(join(options.uiDir, "index.html"));
  if (serveUi) await app.register(fastifyStatic, { root: options.uiDir as string, prefix: basePath, wildcard: false, index: "index.html" });
  app.setNotFoundHandler((request, reply) => {
    // The UI routes its own pages: any other GET outside the API gets the app.
    const path = request.url.split("?")[0] ?? "";
    // Alert messages once linked to /alerts/<id>, which the app (routed by the hash) cannot show.
    const oldAlertLink = /^alerts\/(\d+)\/?$/.exec(path.slice(basePath.length));
    if (serveUi && request.method === "GET" && path.startsWith(basePath) && oldAlertLink) return reply.redirect(`${basePath}#/alerts?alert=${oldAlertLink[1]}`);
    if (serveUi && request.method === "GET" && path.startsWith(basePath) && !path.startsWith(`${basePath}api/`)) return reply.sendFile("index.html");
    throw notFound(`no route ${request.method} ${path}`);
  });
  await app.ready();
  return Object.assign(app, { routeTable }) as unknown as FastifyInstance & { readonly routeTable: readonly RouteEntry[] };
}

/**
 * The zod provider writes every named schema twice, as `X` (what answers hold) and `XInput` (what
 * requests may hold). Named schemas describe answers only: the `XInput` copies nothing refers to go.
 */
function withoutUnusedInputSchemas(generated: ReturnType<typeof jsonSchemaTransformObject>): ReturnType<typeof jsonSchemaTransformObject> {
  const document = generated as { components?: { schemas?: Record<string, unknown> } };
  const schemas = document.components?.schemas;
  if (schemas === undefined) return generated;
  const text = JSON.stringify({ ...document, components: { ...document.components, schemas: {} } });
  const unused = (name: string) => name.endsWith("Input") && name.slice(0, -"Input".length) in schemas && !text.includes(`"#/components/schemas/${name}"`);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => !unused(name)));
  return { ...document, components: { ...document.components, schemas: kept } } as ReturnType<typeof jsonSchemaTransformObject>;
}

function logToStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** `/`, or `/prefix/` with both slashes. */
function normaliseBasePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "/" : `/${trimmed}/`;
}
