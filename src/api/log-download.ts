/**
 * The whole log of one try as a text file: read from the store a page at a time and streamed, so
 * a log of a million lines never sits in memory at once.
 */
import { Readable } from "node:stream";
import { logLineText } from "../core/log-line-text.js";
import type { LogQuery, Store } from "../store/index.js";

const PAGE = 5_000;

export interface LogFile {
  readonly tryNumber: number;
  /** `<runId>__<taskId>[-map-<i>]__try-<n>.log`, with only characters every file system takes. */
  readonly fileName: string;
  readonly body: Readable;
}

export async function logFile(store: Store, query: Omit<LogQuery, "afterId" | "limit" | "search">): Promise<LogFile> {
  // The first page before any byte is sent: an unknown try is still a 404, and the name needs the try.
  const first = await store.readLogs({ ...query, limit: PAGE });
  const tryNumber = first.tryNumber;
  async function* text(): AsyncGenerator<string> {
    let lines = first.lines;
    for (;;) {
      if (lines.length > 0) yield lines.map(logLineText).join("");
      const last = lines.at(-1);
      if (lines.length < PAGE || last === undefined) return;
      lines = (await store.readLogs({ ...query, tryNumber, afterId: last.id, limit: PAGE })).lines;
    }
  }
  const mapPart = query.mapIndex === null ? "" : `-map-${query.mapIndex}`;
  const fileName = `${safe(query.runId)}__${safe(query.taskId)}${mapPart}__try-${tryNumber}.log`;
  return { tryNumber, fileName, body: Readable.from(text()) };
}

/** Letters, digits, `.`, `_` and `-` stay; anything else (`:` in a run id) becomes `-`. */
const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, "-");
