/**
 * Escapes a value for one POSIX sh quoting context, so that sh reads back exactly the value and
 * never runs any part of it.
 */
import type { QuoteContext } from "./shell-quote-context.js";

// Characters that mean nothing to sh anywhere in a word, so a value made only of them needs no quotes.
const BARE = /^[A-Za-z0-9_./:=@%+,-]+$/;

export function quoteForShell(value: string, context: QuoteContext): string {
  switch (context) {
    case "unquoted":
      // An empty value still counts as one argument, as "$x" would.
      return BARE.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
    case "double":
      return value.replace(/[\\"$`]/g, "\\$&");
    case "single":
      // Close the quote, add an escaped quote, reopen.
      return value.replaceAll("'", "'\\''");
    case "comment":
      return "";
  }
}
