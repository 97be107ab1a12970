/** Answers of logging in and out, and of the health check (see responses.ts for how answers are serialised and documented). */
import { z } from "zod";
import { role } from "./admin.js";

export const loginAnswerSchema = z
  .object({ user: z.object({ username: z.string(), role, mustChangePassword: z.boolean() }), csrfToken: z.string() })
  .meta({ id: "LoginAnswer" });
export const meSchema = z
  .object({
    username: z.string(),
    role,
    mustChangePassword: z.boolean(),
    authenticatedWith: z.enum(["session", "token"]),
    csrfToken: z.string().nullable().describe("The session's CSRF token; null for an API token"),
  })
  .meta({ id: "Me" });
export const passwordChangedSchema = z.object({ username: z.string(), csrfToken: z.string().nullable() }).meta({ id: "PasswordChanged" });

export const healthSchema = z.object({ status: z.enum(["ok", "unavailable"]), store: z.enum(["sqlite", "postgres"]) }).meta({ id: "Health" });
