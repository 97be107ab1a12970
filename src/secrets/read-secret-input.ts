/**
 * Reads a secret value the way `tributary secrets set` takes it: piped on stdin, or typed at a
 * prompt that does not echo. Never from argv, where it would land in the shell's history and in
 * `ps` output.
 */
import { InvalidInputError } from "../core/errors.js";

export async function readSecretInput(prompt: string, field: string): Promise<string> {
  const stdin = process.stdin;
  const value = stdin.isTTY ? await promptHidden(prompt) : await readAll(stdin);
  // `echo value | tributary secrets set` adds a newline that is not part of the value.
  const trimmed = value.replace(/\r?\n$/, "");
  if (trimmed.length === 0) throw new InvalidInputError(`no value given for ${field} (pipe it on stdin or type it at the prompt)`, { field });
  return trimmed;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    let value = "";
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") return done();
        if (char === "\u0003") return done(new InvalidInputError("cancelled", {}));
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
    stdin.resume();
  });
}
