/**
 * An in-process notice that some credential may have ended: a token revoked, a session logged out,
 * a password or role changed, a user deleted. Open streams re-check their own credential when they
 * hear it, so a change made through this server closes them at once; a change made elsewhere (the
 * CLI, another API process) is caught by their periodic re-check (stream-credential.ts).
 */
export class CredentialChanges {
  readonly #listeners = new Set<() => void>();

  /** Calls `listener` after every change until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Says that a credential may have ended (after the store has recorded it). */
  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
