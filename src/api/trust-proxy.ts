/**
 * Which proxies the API believes about the client's address (X-Forwarded-For): without this,
 * behind a load balancer every client has the balancer's address and shares one login limit.
 * `true` trusts every hop (only when nothing can reach the server but the proxy), a number
 * trusts that many hops, a list trusts those addresses, CIDR ranges or the words `loopback`,
 * `linklocal`, `uniquelocal` (Fastify's `trustProxy`, through proxy-addr).
 */
import { isIP } from "node:net";
import { InvalidInputError } from "../core/errors.js";

export type TrustProxy = boolean | number | readonly string[];

export const TRUST_PROXY_ENV = "TRIBUTARY_TRUST_PROXY";
const WORDS = new Set(["loopback", "linklocal", "uniquelocal"]);

/** A setting from a flag, the environment (text) or the config file (text, boolean, number or list). */
export function parseTrustProxy(value: unknown, field: string): TrustProxy {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return hops(value, field);
  if (Array.isArray(value)) return value.map((entry) => address(entry, field));
  if (typeof value !== "string") throw invalid(field, String(value));
  const text = value.trim();
  if (text === "true") return true;
  if (text === "false") return false;
  if (/^\d+$/.test(text)) return hops(Number(text), field);
  return text.split(",").map((entry) => address(entry, field));
}

function hops(n: number, field: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 100) throw invalid(field, String(n));
  return n;
}

function address(entry: unknown, field: string): string {
  const text = typeof entry === "string" ? entry.trim() : "";
  if (WORDS.has(text)) return text;
  const [ip, bits, ...rest] = text.split("/");
  const family = isIP(ip ?? "");
  const maxBits = family === 4 ? 32 : 128;
  if (family === 0 || rest.length > 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) throw invalid(field, String(entry));
  return text;
}

function invalid(field: string, value: string): InvalidInputError {
  // A flag, an environment variable, or the config file's setting: named as the user wrote it.
  const name = /^[A-Z_]+$/.test(field) ? field : field === "trustProxy" ? "trustProxy in the config file" : `--${field}`;
  return new InvalidInputError(
    `${name} must be true, false, a number of proxy hops, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal; got "${value}"`,
    { field },
  );
}

/** Fastify's form: a number of hops becomes proxy-addr's hop function (Fastify's types take no number). */
export function fastifyTrustProxy(setting: TrustProxy | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (setting === undefined) return false;
  if (typeof setting === "number") return (_address, hop) => hop < setting;
  return typeof setting === "boolean" ? setting : [...setting];
}
