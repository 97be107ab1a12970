/**
 * The longest error message and log line the store keeps. A task can produce any amount of text;
 * a 5 MB error stored whole makes every page, API answer and alert that shows it slow, and a
 * store is no place for data. What is cut is replaced by a marker saying how much was cut.
 */
export const MAX_STORED_ERROR_CHARS = 64 * 1024;
export const MAX_STORED_LOG_LINE_CHARS = 64 * 1024;

/** In a `u` regex a surrogate range matches only a surrogate that is not half of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;

/**
 * The text as both stores keep it: cut to `max` characters, and with each NUL character (U+0000)
 * shown as ␀ (U+2400). PostgreSQL's text cannot hold a NUL at all, and a task may well print one
 * (`find -print0`, binary output): its line, and with it the transaction recording its outcome,
 * would be refused. A lone surrogate (a string cut inside an emoji) becomes U+FFFD, which is
 * what a driver's UTF-8 encoding stores for it anyway, made explicit so that the same text also
 * travels inside JSON (PostgreSQL's jsonb refuses its escape: postgres/step-function.ts).
 */
export function capText(raw: string, max: number): string {
  const text = (raw.includes("\u0000") ? raw.replaceAll("\u0000", "\u2400") : raw).replace(LONE_SURROGATE, "\uFFFD");
  if (text.length <= max) return text;
  // Never cut between the two halves of a surrogate pair (an emoji would become invalid text).
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length - end} more characters cut)`;
}

export const capError = (error: string | null | undefined): string | null => (error == null ? null : capText(error, MAX_STORED_ERROR_CHARS));
