/**
 * Live-update streams end with their credential (issue 15, item 3): after a token revoke, a logout
 * or a password change, an open `GET /api/v1/stream` kept delivering events. Both streams (state
 * changes, a try's log) are checked for each case: at once when the change goes through this
 * server, and within the re-check interval when it is made elsewhere (the CLI, another API process).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../../src/access/passwords.js";
import { generateToken, hashSecret } from "../../../src/access/tokens.js";
import { STORES } from "../../conformance/stores.js";
import { PASSWORD, startHarness, type ApiHarness } from "./api-harness.js";
import { runningRun } from "./api-states.js";
import { waitFor } from "../../support/wait-for.js";

const SQLITE = STORES.find((factory) => factory.name === "sqlite");
if (!SQLITE) throw new Error("no sqlite store factory");

interface OpenStream {
  text(): string;
  /** Resolves with the time the server ended the stream. */
  readonly ended: Promise<number>;
  isEnded(): boolean;
}

const aborts = new Set<AbortController>();

async function openStream(api: ApiHarness, path: string, headers: Record<string, string>, ready: string): Promise<OpenStream> {
  const abort = new AbortController();
  aborts.add(abort);
  const response = await fetch(`${api.base}${path}`, { headers, signal: abort.signal });
  expect(response.status).toBe(200);
  const reader = response.body?.getReader();
  if (!reader) throw new Error("no body");
  const decoder = new TextDecoder();
  let text = "";
  let endedAt: number | undefined;
  const ended = (async () => {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return (endedAt = Date.now());
      text += decoder.decode(chunk.value);
    }
  })();
  ended.catch(() => undefined);
  await waitFor(() => text.includes(ready) || endedAt !== undefined, { timeoutMs: 5_000, intervalMs: 20, what: () => `the stream to be live:\n${text}` });
  expect(text, "the stream is live before the credential ends").toContain(ready);
  return { text: () => text, ended, isEnded: () => endedAt !== undefined };
}

let users = 0;

/** A fresh viewer with a token and a logged-in session, so that each case ends its own credentials. */
async function viewer(api: ApiHarness) {
  const username = `streamer${users++}`;
  const user = await api.store.access.createUser({ username, role: "viewer", passwordHash: await hashPassword(PASSWORD), now: new Date() });
  const token = generateToken();
  const record = await api.store.access.createApiToken({ userId: user.id, name: "stream", tokenHash: hashSecret(token), now: new Date() });
  const login = await fetch(`${api.base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return {
    username,
    tokenId: record.id,
    tokenHeaders: { authorization: `Bearer ${token}` },
    sessionHeaders: { cookie },
    writeHeaders: { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" },
  };
}

const STREAMS = [
  { name: "GET /stream", path: () => "/api/v1/stream", ready: ": connected" },
  { name: "GET /runs/:runId/tasks/:taskId/logs/stream", path: (runId: string) => `/api/v1/runs/${encodeURIComponent(runId)}/tasks/extract/logs/stream`, ready: "event: log" },
] as const;

type Case = (api: ApiHarness, who: Awaited<ReturnType<typeof viewer>>) => Promise<void>;

const THROUGH_THIS_SERVER: readonly { readonly name: string; readonly credential: "token" | "session"; readonly end: Case }[] = [
  {
    name: "an admin revokes the stream's token",
    credential: "token",
    end: async (api, who) => expect((await api.request("DELETE", `/api/v1/tokens/${who.tokenId}`, { as: "admin" })).status).toBe(204),
  },
  {
    name: "the user logs out",
    credential: "session",
    end: async (api, who) => expect((await fetch(`${api.base}/api/v1/auth/logout`, { method: "POST", headers: { cookie: who.writeHeaders.cookie, "x-csrf-token": who.writeHeaders["x-csrf-token"] } })).status).toBe(204),
  },
  {
    name: "the user changes their password",
    credential: "session",
    end: async (api, who) => {
      const body = JSON.stringify({ currentPassword: PASSWORD, newPassword: "a brand new password" });
      expect((await fetch(`${api.base}/api/v1/auth/password`, { method: "POST", headers: who.writeHeaders, body })).status).toBe(200);
    },
  },
];

const ELSEWHERE: readonly { readonly name: string; readonly credential: "token" | "session"; readonly end: Case }[] = [
  { name: "the token is revoked by another process", credential: "token", end: async (api, who) => void (await api.store.access.revokeApiToken(who.tokenId, new Date())) },
  {
    name: "the password is changed by another process",
    credential: "session",
    end: async (api, who) => void (await api.store.access.setPassword(who.username, await hashPassword("a brand new password"), new Date())),
  },
];

afterAll(() => {
  for (const abort of aborts) abort.abort();
});

describe("a stream whose credential ends through this server closes at once", () => {
  let api: ApiHarness;
  let runId: string;
  beforeAll(async () => {
    // A re-check interval far longer than the test: only the in-process notice can close the stream in time.
    api = await startHarness(SQLITE, { streamRecheckMs: 60_000 });
    runId = (await runningRun(api)).runId;
  });
  afterAll(async () => {
    for (const abort of aborts) abort.abort();
    await api.close();
  });

  for (const stream of STREAMS) {
    for (const c of THROUGH_THIS_SERVER) {
      it(`${stream.name}: ${c.name}`, async () => {
        const who = await viewer(api);
        const open = await openStream(api, stream.path(runId), c.credential === "token" ? who.tokenHeaders : who.sessionHeaders, stream.ready);
        const before = Date.now();
        await c.end(api, who);
        // At once, against a re-check every 60 s: the bound leaves a loaded machine its seconds (a
        // password change hashes with scrypt first).
        const endedAt = await Promise.race([open.ended, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
        expect(endedAt, `the stream is still open:\n${open.text()}`).toBeGreaterThan(0);
        expect(endedAt - before).toBeLessThan(8_000);
        expect(open.text()).toMatch(/event: unauthenticated\ndata: \{"message":"[^"]+"\}\n\n$/);
      });
    }
  }
});

describe("a stream whose credential ends elsewhere closes within the re-check interval", () => {
  let api: ApiHarness;
  let runId: string;
  beforeAll(async () => {
    api = await startHarness(SQLITE, { streamRecheckMs: 300 });
    runId = (await runningRun(api)).runId;
  });
  afterAll(async () => {
    for (const abort of aborts) abort.abort();
    await api.close();
  });

  for (const stream of STREAMS) {
    for (const c of ELSEWHERE) {
      it(`${stream.name}: ${c.name}`, async () => {
        const who = await viewer(api);
        const open = await openStream(api, stream.path(runId), c.credential === "token" ? who.tokenHeaders : who.sessionHeaders, stream.ready);
        // A live credential passes its re-checks: the stream stays open.
        await new Promise((r) => setTimeout(r, 1_000));
        expect(open.isEnded()).toBe(false);
        const before = Date.now();
        await c.end(api, who);
        // Within the re-check (300 ms here), and the seconds a loaded machine may add.
        const endedAt = await Promise.race([open.ended, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
        expect(endedAt, `the stream is still open:\n${open.text()}`).toBeGreaterThan(0);
        expect(endedAt - before).toBeLessThan(8_000);
        expect(open.text()).toContain("event: unauthenticated");
      });
    }
  }
});
