/**
 * Turns a stream of text chunks into lines: writes rarely end on a line boundary
 * (`process.stdout.write("a"); process.stdout.write("b\n")` is one line "ab").
 */

/** Longer lines are cut so that one runaway write cannot produce a multi-megabyte log row. */
export const MAX_LINE_CHARS = 64 * 1024;

export class LineSplitter {
  #partial = "";
  readonly #onLine: (line: string) => void;

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  write(chunk: string): void {
    const text = this.#partial + chunk;
    const parts = text.split("\n");
    this.#partial = parts.pop() ?? "";
    for (const part of parts) this.#emit(part);
    if (this.#partial.length > MAX_LINE_CHARS) this.flush();
  }

  /** Emits what is left of an unterminated last line. */
  flush(): void {
    if (this.#partial.length === 0) return;
    const rest = this.#partial;
    this.#partial = "";
    this.#emit(rest);
  }

  #emit(raw: string): void {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    this.#onLine(truncateLine(line));
  }
}

export function truncateLine(line: string): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  return `${line.slice(0, MAX_LINE_CHARS)}… (${line.length - MAX_LINE_CHARS} more characters cut)`;
}
