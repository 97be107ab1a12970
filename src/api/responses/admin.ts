/** Answers of the admin endpoints: users, tokens, audit, pools, secrets (see responses.ts for how answers are serialised and documented). */
import { z } from "zod";
import { json, timestamp } from "./responses.js";

export const role = z.enum(["viewer", "operator", "admin"]).meta({ id: "Role" });

export const userSchema = z
  .object({ username: z.string(), role, mustChangePassword: z.boolean(), createdAt: timestamp, passwordChangedAt: timestamp.nullable() })
  .meta({ id: "User" });
export const userListSchema = z.object({ users: z.array(userSchema) }).meta({ id: "UserList" });

const apiTokenShape = {
  id: z.number(),
  userId: z.number(),
  username: z.string(),
  role,
  name: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
};
export const apiTokenListSchema = z.object({ tokens: z.array(z.object(apiTokenShape).meta({ id: "ApiToken" })) }).meta({ id: "ApiTokenList" });
export const createdTokenSchema = z.object({ ...apiTokenShape, token: z.string().describe("The token's value: sent only this once") }).meta({ id: "CreatedToken" });

export const auditListSchema = z
  .object({
    entries: z.array(
      z.object({ id: z.number(), at: timestamp, actor: z.string(), action: z.string(), target: z.string().nullable(), details: json }).meta({ id: "AuditEntry" }),
    ),
  })
  .meta({ id: "AuditList" });

export const poolListSchema = z
  .object({
    pools: z.array(
      z
        .object({
          name: z.string(),
          slots: z.number().nullable().describe("null: tasks name the pool but nobody configured it (no limit)"),
          description: z.string().nullable(),
          running: z.number(),
          queued: z.number(),
        })
        .meta({ id: "Pool" }),
    ),
  })
  .meta({ id: "PoolList" });
export const poolSettingsSchema = z.object({ name: z.string(), slots: z.number(), description: z.string().nullable() }).meta({ id: "PoolSettings" });

export const secretListSchema = z
  .object({
    secrets: z.array(
      z
        .object({
          name: z.string(),
          source: z.string().describe("`environment`, `files` or `store`"),
          keyId: z.string().nullable(),
          updatedAt: timestamp.nullable(),
          overriddenBy: z.string().nullable().describe("The backend that holds the same name first (tasks get its value), or null"),
        })
        .meta({ id: "SecretSource" }),
    ),
    store: z.object({ writable: z.boolean(), keyId: z.string().nullable(), reason: z.string().nullable() }),
  })
  .meta({ id: "SecretList" });
export const storedSecretSchema = z.object({ name: z.string(), source: z.literal("store"), keyId: z.string(), updatedAt: timestamp }).meta({ id: "StoredSecret" });
