/** The shapes the admin endpoints answer with: aliases of the generated API types (openapi.d.ts), like types.ts. */
import type { components } from "./openapi";

type Schemas = components["schemas"];

export type User = Schemas["User"];
/** An API token as listed: never its value. */
export type ApiToken = Schemas["ApiToken"];
/** The answer to creating a token: the only time its value is sent. */
export type CreatedToken = Schemas["CreatedToken"];
export type AuditEntry = Schemas["AuditEntry"];
export type Pool = Schemas["Pool"];
export type SecretSource = Schemas["SecretSource"];
export type SecretsAnswer = Schemas["SecretList"];
export type UserList = Schemas["UserList"];
export type ApiTokenList = Schemas["ApiTokenList"];
export type AuditList = Schemas["AuditList"];
export type PoolList = Schemas["PoolList"];
