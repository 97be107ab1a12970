/**
 * Real local receivers for alert tests: an HTTP server that records every request and answers
 * with scripted statuses (playing Slack, PagerDuty, Jira or a webhook), and a minimal SMTP server.
 */
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import type { AddressInfo } from "node:net";

export interface Received {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** Statuses to answer with, in order; once used up, `fallback`. */
  script(statuses: number[]): void;
  close(): Promise<void>;
}

export async function startReceiver(options: { fallback?: number; respond?: (req: Received) => unknown } = {}): Promise<Receiver> {
  const requests: Received[] = [];
  let statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      const received: Received = { path: req.url ?? "", headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
      requests.push(received);
      const status = statuses.shift() ?? options.fallback ?? 200;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(status < 300 ? (options.respond?.(received) ?? { ok: true }) : { error: "scripted failure" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (list) => (statuses = [...list]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SmtpReceiver {
  readonly url: string;
  readonly messages: { from: string; to: string[]; data: string }[];
  close(): Promise<void>;
}

/** Just enough SMTP (RFC 5321, no TLS, no auth) for nodemailer to hand over one message per session. */
export async function startSmtp(): Promise<SmtpReceiver> {
  const messages: { from: string; to: string[]; data: string }[] = [];
  const server: TcpServer = createTcpServer((socket) => {
    let buffer = "";
    let inData = false;
    let current = { from: "", to: [] as string[], data: "" };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 test-smtp ready");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end === -1) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          messages.push(current);
          current = { from: "", to: [], data: "" };
          reply("250 OK queued");
          continue;
        }
        const nl = buffer.indexOf("\r\n");
        if (nl === -1) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") reply("250 test-smtp");
        else if (verb === "MAIL") {
          current.from = line.slice(10).trim();
          reply("250 OK");
        } else if (verb === "RCPT") {
          current.to.push(line.slice(8).trim());
          reply("250 OK");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 go ahead");
        } else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
        } else if (verb === "RSET" || verb === "NOOP") reply("250 OK");
        else reply("502 not implemented");
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}?tls=off`, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
