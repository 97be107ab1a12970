/**
 * The rows of the encrypted secrets backend (src/secrets): ciphertext, IV, tag and key id only.
 */
import type { Kysely } from "kysely";
import type { Database, SecretTable } from "../schema.js";
import type { StoredSecret } from "../../contract/store.js";
import type { Tx } from "../shared/tx.js";

function secretFromRow(row: SecretTable): StoredSecret {
  return {
    name: row.name,
    ciphertext: row.ciphertext,
    iv: row.iv,
    tag: row.tag,
    keyId: row.key_id,
    updatedAt: new Date(Number(row.updated_at)),
  };
}

function rowFromSecret(secret: StoredSecret): SecretTable {
  return {
    name: secret.name,
    ciphertext: secret.ciphertext,
    iv: secret.iv,
    tag: secret.tag,
    key_id: secret.keyId,
    updated_at: secret.updatedAt.getTime(),
  };
}

export async function putSecret(tx: Tx, secret: StoredSecret): Promise<void> {
  const { name, ...values } = rowFromSecret(secret);
  await tx
    .insertInto("secrets")
    .values({ name, ...values })
    .onConflict((oc) => oc.column("name").doUpdateSet(values))
    .execute();
}

export async function getSecret(db: Kysely<Database>, name: string): Promise<StoredSecret | undefined> {
  const row = await db.selectFrom("secrets").selectAll().where("name", "=", name).executeTakeFirst();
  return row === undefined ? undefined : secretFromRow(row);
}

export async function listSecrets(db: Kysely<Database>): Promise<StoredSecret[]> {
  const rows = await db.selectFrom("secrets").selectAll().orderBy("name").execute();
  return rows.map(secretFromRow);
}

export async function deleteSecret(tx: Tx, name: string): Promise<boolean> {
  const result = await tx.deleteFrom("secrets").where("name", "=", name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Every row is read, transformed and written inside the caller's one transaction. */
export async function rewriteSecrets(tx: Tx, reencrypt: (secret: StoredSecret) => StoredSecret, rowLocks: boolean): Promise<number> {
  // On PostgreSQL a concurrent `secrets set` waits for the rotation; SQLite's write lock already does that.
  const query = tx.selectFrom("secrets").selectAll().orderBy("name");
  const rows = await (rowLocks ? query.forUpdate() : query).execute();
  for (const row of rows) {
    const next = reencrypt(secretFromRow(row));
    if (next.name !== row.name) throw new Error(`rewriting secret "${row.name}" must not rename it (got "${next.name}")`);
    const { name, ...values } = rowFromSecret(next);
    await tx.updateTable("secrets").set(values).where("name", "=", name).execute();
  }
  return rows.length;
}
