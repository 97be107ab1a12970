/**
 * `tributary users`, `tributary tokens` and `tributary audit`: access management against the
 * store, for the operator of a deployment (no server needed). Passwords are read from stdin,
 * never from the command line, so they stay out of shell history and `ps`.
 */
import { parseArgs } from "node:util";
import { InvalidInputError, NotFoundError } from "../../core/errors.js";
import { ROLES, type Role } from "../../store/index.js";
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from "../../access/passwords.js";
import { generateToken, hashSecret } from "../../access/tokens.js";
import { cliActor } from "../cli-actor.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { withStore } from "../store-location.js";
import { renderTable } from "../table.js";

export const USERS_USAGE = `tributary users list [--json] | create <name> --role viewer|operator|admin [--password-stdin] | set-role <name> <role> | set-password <name> [--password-stdin] | delete <name>   [--db <path>]

Users of the UI and owners of API tokens. Without --password-stdin a password is generated and
printed once. A new password ends the user's sessions.`;

export const TOKENS_USAGE = `tributary tokens list [--json] | create <user> --name <name> | revoke <id>   [--db <path>]

API tokens (Authorization: Bearer ...) act with their user's role. The value is printed once, at
creation; the store keeps only its hash.`;

export const AUDIT_USAGE = `tributary audit [--limit N] [--action a] [--json] [--db <path>]

Who triggered, cleared, paused, acknowledged and created tokens, and when; latest first.`;

function parseRole(value: string | undefined): Role {
  if (!ROLES.includes(value as Role)) throw new InvalidInputError(`role must be one of ${ROLES.join(", ")}, got "${value ?? ""}"`, { field: "role" });
  return value as Role;
}

async function readPassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: generatePassword(), generated: true };
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  if (password.length < MIN_PASSWORD_LENGTH) throw new InvalidInputError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`, { field: "password" });
  return { password, generated: false };
}

export async function usersCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { role: { type: "string" }, "password-stdin": { type: "boolean", default: false }, db: { type: "string" }, json: { type: "boolean", default: false } },
  });
  return withStore(values.db, async (store) => {
    const now = new Date();
    if (sub === "list") {
      const users = (await store.access.listUsers()).map((u) => ({ username: u.username, role: u.role, createdAt: u.createdAt, mustChangePassword: u.mustChangePassword }));
      if (values.json) process.stdout.write(`${JSON.stringify({ users })}\n`);
      else process.stdout.write(`${renderTable(["user", "role", "created"], users.map((u) => [u.username, u.role, u.createdAt.toISOString()]))}\n`);
      return EXIT.ok;
    }
    const name = positionals[0];
    if (!name) throw new UsageError(`expected a user name\n\n${USERS_USAGE}`);
    if (sub === "create") {
      if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) throw new InvalidInputError(`invalid user name "${name}": 1 to 64 letters, digits or _ . @ -`, { field: "name" });
      const role = parseRole(values.role);
      const { password, generated } = await readPassword(values["password-stdin"]);
      await store.access.createUser({ username: name, role, passwordHash: await hashPassword(password), now });
      await store.access.appendAudit({ actor: cliActor(), action: "user.create", target: name, details: { role }, now });
      process.stdout.write(`created user ${name} (${role})${generated ? ` with the password ${password}` : ""}\n`);
      return EXIT.ok;
    }
    if (sub === "set-role") {
      const role = parseRole(positionals[1]);
      if (!(await store.access.setRole(name, role))) throw new NotFoundError(`no user "${name}"`, { field: "name" });
      await store.access.appendAudit({ actor: cliActor(), action: "user.update", target: name, details: { role }, now });
      process.stdout.write(`${name} is now ${role}\n`);
      return EXIT.ok;
    }
    if (sub === "set-password") {
      const { password, generated } = await readPassword(values["password-stdin"]);
      if (!(await store.access.setPassword(name, await hashPassword(password), now))) throw new NotFoundError(`no user "${name}"`, { field: "name" });
      await store.access.appendAudit({ actor: cliActor(), action: "user.password_change", target: name, now });
      process.stdout.write(`password of ${name} changed${generated ? ` to ${password}` : ""}; their sessions are ended\n`);
      return EXIT.ok;
    }
    if (sub === "delete") {
      if (!(await store.access.deleteUser(name))) throw new NotFoundError(`no user "${name}"`, { field: "name" });
      await store.access.appendAudit({ actor: cliActor(), action: "user.delete", target: name, now });
      process.stdout.write(`user ${name} deleted\n`);
      return EXIT.ok;
    }
    throw new UsageError(`unknown users command "${sub ?? ""}"\n\n${USERS_USAGE}`);
  });
}

export async function tokensCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { name: { type: "string" }, db: { type: "string" }, json: { type: "boolean", default: false } },
  });
  return withStore(values.db, async (store) => {
    const now = new Date();
    if (sub === "list") {
      const tokens = await store.access.listApiTokens({});
      if (values.json) process.stdout.write(`${JSON.stringify({ tokens })}\n`);
      else {
        const rows = tokens.map((t) => [String(t.id), t.username, t.role, t.name, t.createdAt.toISOString(), t.lastUsedAt?.toISOString() ?? "", t.revokedAt ? "revoked" : "live"]);
        process.stdout.write(`${renderTable(["id", "user", "role", "name", "created", "last used", "state"], rows)}\n`);
      }
      return EXIT.ok;
    }
    if (sub === "create") {
      const username = positionals[0];
      if (!username || !values.name) throw new UsageError(`expected a user and --name\n\n${TOKENS_USAGE}`);
      const user = await store.access.getUserByName(username);
      if (!user) throw new NotFoundError(`no user "${username}"`, { field: "user" });
      const token = generateToken();
      const record = await store.access.createApiToken({ userId: user.id, name: values.name, tokenHash: hashSecret(token), now });
      await store.access.appendAudit({ actor: cliActor(), action: "token.create", target: `${username}/${record.name}`, details: { tokenId: record.id }, now });
      if (values.json) process.stdout.write(`${JSON.stringify({ ...record, token })}\n`);
      else process.stdout.write(`${token}\n(token ${record.id} "${record.name}" of ${username}, ${user.role}; shown only now)\n`);
      return EXIT.ok;
    }
    if (sub === "revoke") {
      const id = Number(positionals[0]);
      if (!Number.isInteger(id) || id < 1) throw new UsageError(`expected a token id\n\n${TOKENS_USAGE}`);
      if (!(await store.access.revokeApiToken(id, now))) throw new NotFoundError(`no live token ${id}`, { field: "id" });
      await store.access.appendAudit({ actor: cliActor(), action: "token.revoke", target: String(id), now });
      process.stdout.write(`token ${id} revoked\n`);
      return EXIT.ok;
    }
    throw new UsageError(`unknown tokens command "${sub ?? ""}"\n\n${TOKENS_USAGE}`);
  });
}

export async function auditCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { limit: { type: "string" }, action: { type: "string" }, db: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidInputError(`--limit must be a positive integer, got "${values.limit ?? ""}"`, { field: "limit" });
  return withStore(values.db, async (store) => {
    const entries = await store.access.listAudit({ limit, action: values.action });
    if (values.json) process.stdout.write(`${JSON.stringify({ entries })}\n`);
    else {
      const rows = entries.map((e) => [e.at.toISOString(), e.actor, e.action, e.target ?? "", Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : ""]);
      process.stdout.write(`${renderTable(["at", "actor", "action", "target", "details"], rows)}\n`);
    }
    return EXIT.ok;
  });
}
