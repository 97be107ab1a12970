/**
 * Redirects a task process's `process.stdout.write` / `process.stderr.write` (and so `console.*`)
 * into the current try's log. Going through the same channel as `ctx.log` keeps every line in the
 * order it was written; output written straight to file descriptors 1 and 2 (a native addon, a
 * subprocess inheriting them) still reaches the pool through the pipes, only without that order.
 */

type Stream = "stdout" | "stderr";

/** Takes a chunk written while a try runs; returns false when no try runs, to write it as usual. */
export type OutputSink = (stream: Stream, text: string) => boolean;

export function captureOutput(sink: OutputSink): void {
  patch(process.stdout, "stdout", sink);
  patch(process.stderr, "stderr", sink);
}

function patch(target: NodeJS.WriteStream, stream: Stream, sink: OutputSink): void {
  const original = target.write.bind(target) as (...args: unknown[]) => boolean;
  const write = (...args: unknown[]): boolean => {
    const [chunk, encodingOrCallback, maybeCallback] = args;
    const encoding = typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : undefined;
    const callback = [encodingOrCallback, maybeCallback].find((arg) => typeof arg === "function") as
      | ((error?: Error | null) => void)
      | undefined;
    if (!sink(stream, toText(chunk, encoding))) return original(...args);
    if (callback) process.nextTick(callback);
    return true;
  };
  target.write = write as typeof target.write;
}

function toText(chunk: unknown, encoding: BufferEncoding | undefined): string {
  if (typeof chunk === "string") return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(encoding ?? "utf8");
  return String(chunk);
}
