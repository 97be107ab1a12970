/** Polls a condition until it holds, or fails with a message saying what was awaited. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string | (() => string) } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const what = typeof options.what === "function" ? options.what() : (options.what ?? "a condition");
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/** Reads a value until it satisfies `done`, and returns it; the timeout message shows the last value read. */
export async function waitForValue<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  let last: { value: T } | undefined;
  await waitFor(
    async () => {
      last = { value: await read() };
      return done(last.value);
    },
    { ...options, what: () => `${options.what ?? "a value"}: ${last ? JSON.stringify(last.value) : "nothing read"}` },
  );
  if (!last) throw new Error("unreachable: waitFor returned before reading");
  return last.value;
}
