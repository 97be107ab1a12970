/**
 * A place secrets come from. The resolver asks the backends in order and takes the first value
 * found; a backend answers `undefined` when it does not hold the name and throws when it holds it
 * but cannot produce it (a file it cannot read, a value it cannot decrypt).
 */
export interface SecretBackend {
  /** Short name for messages and `tributary secrets list`: `environment`, `files`, `store`. */
  readonly name: string;
  /** Where this backend would look for `name`, for the message about a secret found nowhere. */
  describe(name: string): string;
  get(name: string): Promise<string | undefined>;
  /** The names this backend holds (for `tributary secrets list`; never values). */
  list(): Promise<string[]>;
}
