/**
 * Finds secret values by name in the configured backends, first found wins. The order is
 * environment, files, store: the most local and explicit setting overrides the shared one, so an
 * operator can override a stored secret for one process without touching the store.
 */
import type { SecretBackend } from "./backend.js";

export interface ResolvedSecrets {
  /** Values found, by name. */
  readonly values: Record<string, string>;
  /** Why each name that was not found is unavailable: the message `ctx.secrets.get()` throws. */
  readonly unavailable: Record<string, string>;
}

export class SecretResolver {
  readonly backends: readonly SecretBackend[];
  /** Said when a secret is not found, e.g. that the store backend is off for want of a key. */
  readonly #notes: readonly string[];

  constructor(backends: readonly SecretBackend[], notes: readonly string[] = []) {
    this.backends = backends;
    this.#notes = notes;
  }

  async resolve(names: readonly string[]): Promise<ResolvedSecrets> {
    const values: Record<string, string> = {};
    const unavailable: Record<string, string> = {};
    for (const name of names) {
      try {
        const value = await this.get(name);
        if (value === undefined) unavailable[name] = this.#notFound(name);
        else values[name] = value;
      } catch (error) {
        unavailable[name] = error instanceof Error ? error.message : String(error);
      }
    }
    return { values, unavailable };
  }

  async get(name: string): Promise<string | undefined> {
    for (const backend of this.backends) {
      const value = await backend.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  #notFound(name: string): string {
    const places = this.backends.map((b) => b.describe(name)).join(", ") || "no secret backend is configured";
    const notes = this.#notes.length > 0 ? ` (${this.#notes.join("; ")})` : "";
    return `secret "${name}" is not set: looked for ${places}${notes}`;
  }
}
