/** Waits for a spawned `tributary start` to print where its UI and API listen. */
import type { ChildProcess } from "node:child_process";

export interface ServiceOutput {
  /** The base URL without its trailing slash. */
  readonly url: string;
  /** Everything the process has printed so far (stdout and stderr). */
  output(): string;
}

export function waitForServiceUrl(child: ChildProcess, timeoutMs = 40_000): Promise<ServiceOutput> {
  let output = "";
  return new Promise<ServiceOutput>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`tributary start printed no URL within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /UI and API at (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl({ url: match[1].replace(/\/$/, ""), output: () => output });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tributary start exited with ${code}:\n${output}`));
    });
  });
}
