import { parseArgs } from "node:util";
import { InvalidInputError } from "../../core/errors.js";
import { generateSecretKey, parseSecretKey, SECRET_KEY_ENV } from "../../secrets/cipher.js";
import { readSecretInput } from "../../secrets/read-secret-input.js";
import { rotateSecretKey, setStoredSecret } from "../../secrets/secret-admin.js";
import { createSecretResolver, secretKeyFrom } from "../../secrets/secret-config.js";
import { listSecretSources } from "../../secrets/secret-sources.js";
import { cliActor } from "../cli-actor.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { resolveLocations } from "../project-config.js";
import { openStore } from "../store-location.js";
import { renderTable } from "../table.js";

export const SECRETS_USAGE = `tributary secrets set <name> | list [--json] | delete <name> | rotate-key | generate-key   [--db <path>]

Secrets of the encrypted store backend (AES-256-GCM under TRIBUTARY_SECRET_KEY). \`set\` reads the
value from stdin (\`printf %s "$PW" | tributary secrets set warehouse_password\`) or a prompt that
does not echo, never from the command line. \`list\` shows names and where each comes from
(environment, files, store), never values. \`rotate-key\` re-encrypts every stored secret with the
key in TRIBUTARY_NEW_SECRET_KEY (or read from stdin / a prompt) in one transaction; then set
TRIBUTARY_SECRET_KEY to the new key everywhere. \`generate-key\` prints a fresh key. See docs/secrets.md.`;

export const NEW_SECRET_KEY_ENV = "TRIBUTARY_NEW_SECRET_KEY";

export async function secretsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { db: { type: "string" }, json: { type: "boolean", default: false }, "secrets-dir": { type: "string" } },
  });
  if (sub === "generate-key") {
    process.stdout.write(`${generateSecretKey()}\n`);
    return EXIT.ok;
  }
  if (sub !== "set" && sub !== "list" && sub !== "delete" && sub !== "rotate-key") {
    throw new UsageError(`unknown secrets command "${sub ?? ""}"\n\n${SECRETS_USAGE}`);
  }
  const name = positionals[0];
  if ((sub === "set" || sub === "delete") && !name) throw new UsageError(`expected a secret name\n\n${SECRETS_USAGE}`);
  if (sub === "set" && positionals.length > 1) {
    throw new UsageError("the value is read from stdin or a prompt, not the command line (where it would land in the shell's history)");
  }
  const { db } = await resolveLocations({ db: values.db });
  const store = await openStore(db);
  try {
    if (sub === "list") {
      const rows = await listSecretSources(store, createSecretResolver({ store, dir: values["secrets-dir"] }));
      if (values.json) process.stdout.write(`${JSON.stringify({ secrets: rows })}\n`);
      else {
        const cells = rows.map((r) => [r.name, r.overriddenBy ? `${r.source} (overridden by ${r.overriddenBy})` : r.source, r.keyId ?? "", r.updatedAt?.toISOString() ?? ""]);
        process.stdout.write(`${renderTable(["secret", "source", "key id", "updated"], cells)}\n`);
      }
      return EXIT.ok;
    }
    if (sub === "delete") {
      if (!(await store.deleteSecret(name ?? ""))) throw new InvalidInputError(`no stored secret "${name ?? ""}"`, { field: "name" });
      await store.access.appendAudit({ actor: cliActor(), action: "secret.delete", target: name ?? "", now: new Date() });
      process.stdout.write(`secret ${name ?? ""} deleted\n`);
      return EXIT.ok;
    }
    const key = secretKeyFrom();
    if (!key) throw new InvalidInputError(`${SECRET_KEY_ENV} is not set: the store keeps secrets encrypted under it (make one with \`tributary secrets generate-key\`)`, { field: SECRET_KEY_ENV });
    if (sub === "set") {
      const value = await readSecretInput(`value of secret ${name ?? ""}: `, "value");
      const now = new Date();
      await setStoredSecret(store, key, name ?? "", value, now);
      // The same entry as the API's PUT /secrets/:name: the name and key id, never the value.
      await store.access.appendAudit({ actor: cliActor(), action: "secret.set", target: name ?? "", details: { keyId: key.keyId }, now });
      process.stdout.write(`secret ${name ?? ""} stored (encrypted with key id ${key.keyId})\n`);
      return EXIT.ok;
    }
    const newText = process.env[NEW_SECRET_KEY_ENV] ?? (await readSecretInput("new key: ", "new key"));
    const next = parseSecretKey(newText, NEW_SECRET_KEY_ENV);
    const count = await rotateSecretKey(store, key, next, new Date());
    process.stdout.write(`re-encrypted ${count} secret(s) with key id ${next.keyId}; set ${SECRET_KEY_ENV} to the new key for every process\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
