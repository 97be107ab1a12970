/** What the process pool and the thread pool ask of each of their handles to load DAG files. */
export interface PreloadingHandle {
  /** Resolves once the process or thread is ready for tries (or has ended trying). */
  ready(): Promise<void>;
  /** Loads DAG files ahead of its tries; resolves when done (or it ended). */
  preload(files: readonly string[]): Promise<void>;
}

/**
 * The files a pool has been asked to load, and their loading into each of its live processes or
 * threads: every one loads each file once, ahead of the tries that need it, and one started
 * later (a replacement) loads them all as soon as it starts.
 */
export class PreloadedFiles {
  readonly #files = new Set<string>();

  /** Every file so far, for a process or thread that starts now. */
  get all(): string[] {
    return [...this.#files];
  }

  /** Notes files a pool was asked to load; returns those it had not noted before. */
  note(files: readonly string[]): string[] {
    const fresh = [...new Set(files)].filter((file) => !this.#files.has(file));
    for (const file of fresh) this.#files.add(file);
    return fresh;
  }

  /** Loads `files` in every handle, each once it is ready. */
  load(handles: readonly PreloadingHandle[], files: readonly string[]): Promise<void> {
    return loadIn(handles, files);
  }
}

async function loadIn(handles: readonly PreloadingHandle[], files: readonly string[]): Promise<void> {
  await Promise.all(
    handles.map(async (handle) => {
      await handle.ready();
      await handle.preload(files);
    }),
  );
}
