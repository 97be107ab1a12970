/**
 * The longest error message and log line the store keeps. A task can produce any amount of text;
 * a 5 MB error stored whole makes every page, API answer and alert that shows it slow, and a
 * store is no place for data. What is cut is replaced by a marker saying how much was cut.
 */
export const MAX_STORED_ERROR_CHARS = 64 * 1024;
export const MAX_STORED_LOG_LINE_CHARS = 64 * 1024;

export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never cut between the two halves of a surrogate pair (an emoji would become invalid text).
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length - end} more characters cut)`;
}

export const capError = (error: string | null | undefined): string | null => (error == null ? null : capText(error, MAX_STORED_ERROR_CHARS));
