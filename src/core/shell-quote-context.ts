/**
 * Finds the POSIX sh quoting context of each placeholder in a shell template, so that its value
 * can be escaped for exactly that context. It scans the template's literal text the way sh reads
 * it: quotes, backslashes, `$(...)` (a fresh context, even inside double quotes), comments and
 * here-documents.
 *
 * Where the right escaping is unclear or depends on the shell (`...` and ${...} and $((...)) and
 * $'...', here-documents, after `\` or `$`, `case` inside `$(...)`), a placeholder is refused
 * instead of guessed: a wrong guess would let a value run as code.
 */
import { DagDefinitionError, type ErrorLocation } from "./errors.js";
import type { TemplateSegment } from "./template-placeholders.js";

/** Where a placeholder sits. In a comment its value is dropped: it could only end the comment. */
export type QuoteContext = "unquoted" | "double" | "single" | "comment";

type FrameKind = "top" | "subst" | "double" | "single" | "ansi" | "backtick" | "brace" | "arith";

interface Frame {
  readonly kind: FrameKind;
  /** Open parentheses inside a `subst` or `arith` frame. */
  depth: number;
}

const REFUSED_IN: Partial<Record<FrameKind, string>> = {
  ansi: "inside $'...' quotes",
  backtick: "inside `...` command substitution (use $(...) instead)",
  brace: "inside a ${...} expansion",
  arith: "inside $((...)) arithmetic",
};

const WORD_BREAK = new Set([" ", "\t", "\n", ";", "&", "|", "(", ")", "<", ">"]);

/** A character of literal text, or the index of a placeholder. */
type Item = string | number;

/** Returns each placeholder's context, in the order the placeholders appear in `segments`. */
export function shellQuoteContexts(segments: readonly TemplateSegment[], location: ErrorLocation): QuoteContext[] {
  const items: Item[] = [];
  const raws: string[] = [];
  for (const segment of segments) {
    if (segment.kind === "text") items.push(...segment.text);
    else items.push(raws.push(segment.raw) - 1);
  }
  // Without placeholders the template is used as written: nothing to judge.
  if (raws.length === 0) return [];
  return new Scanner(items, raws, location).run();
}

interface PendingHeredoc {
  readonly delimiter: string;
  readonly stripTabs: boolean;
}

class Scanner {
  private readonly contexts: QuoteContext[] = [];
  private readonly stack: Frame[] = [{ kind: "top", depth: 0 }];
  private pending: PendingHeredoc[] = [];
  private inComment = false;
  /** Set when the scan can no longer be sure of the context; later placeholders are refused. */
  private lostTrack: string | undefined;
  private i = 0;

  constructor(
    private readonly items: readonly Item[],
    private readonly raws: readonly string[],
    private readonly location: ErrorLocation,
  ) {}

  run(): QuoteContext[] {
    while (this.i < this.items.length) {
      const item = this.items[this.i];
      if (typeof item === "number") {
        this.place(item);
        this.i++;
      } else if (item !== undefined) {
        this.step(item);
      }
    }
    if (this.stack.length > 1 && this.lostTrack === undefined) {
      // sh would reject the command; quoting decided from an unfinished scan may be wrong too.
      throw new DagDefinitionError(`shell template has an unterminated ${describeFrame(this.frame().kind)}`, this.location);
    }
    return this.contexts;
  }

  private frame(): Frame {
    return this.stack[this.stack.length - 1] ?? { kind: "top", depth: 0 };
  }

  private place(index: number): void {
    if (this.lostTrack !== undefined) this.refuse(index, `comes after ${this.lostTrack}, where its quoting context is unclear`);
    if (this.inComment) {
      this.contexts[index] = "comment";
      return;
    }
    for (let s = this.stack.length - 1; s >= 0; s--) {
      const reason = REFUSED_IN[this.stack[s]?.kind ?? "top"];
      if (reason !== undefined) this.refuse(index, `is ${reason}`);
    }
    const kind = this.frame().kind;
    this.contexts[index] = kind === "double" ? "double" : kind === "single" ? "single" : "unquoted";
  }

  private step(c: string): void {
    if (this.inComment) {
      // The newline itself ends the comment and is read as unquoted text (it may start a here-document).
      if (c !== "\n") {
        this.i++;
        return;
      }
      this.inComment = false;
    }
    const frame = this.frame();
    switch (frame.kind) {
      case "top":
      case "subst":
        return this.stepUnquoted(c, frame);
      case "double":
        return this.stepDouble(c);
      case "single":
        this.i++;
        if (c === "'") this.stack.pop();
        return;
      case "ansi":
      case "backtick":
        if (c === "\\") return this.skipEscaped();
        this.i++;
        if (c === (frame.kind === "ansi" ? "'" : "`")) this.stack.pop();
        return;
      case "brace":
        return this.stepBrace(c);
      case "arith":
        return this.stepArith(c, frame);
    }
  }

  private stepUnquoted(c: string, frame: Frame): void {
    switch (c) {
      case "\\":
        return this.skipEscaped();
      case "'":
        return this.push("single", 1);
      case '"':
        return this.push("double", 1);
      case "`":
        return this.push("backtick", 1);
      case "$":
        return this.dollar(true);
      case "#":
        // Only at the start of a word; `a#b` and `$#` are not comments.
        if (this.atWordStart()) this.inComment = true;
        this.i++;
        return;
      case "<":
        if (this.items[this.i + 1] !== "<") break;
        if (this.items[this.i + 2] === "<") {
          this.i += 3; // a bash here-string: an ordinary word follows
          return;
        }
        return this.heredocOperator();
      case "\n":
        this.i++;
        if (this.pending.length > 0) this.heredocBodies();
        return;
      case "(":
        if (frame.kind === "subst") frame.depth++;
        break;
      case ")":
        if (frame.kind === "subst") {
          if (frame.depth === 0) this.stack.pop();
          else frame.depth--;
        }
        break;
      case "c":
        // `case` patterns end in an unbalanced `)`, which would end `$(` early in this scan.
        if (frame.kind === "subst" && this.atWordStart() && /^case[ \t\n]$/.test(this.textAt(this.i, 5))) {
          this.lostTrack = "a `case` inside $(...)";
        }
        break;
    }
    this.i++;
  }

  private stepDouble(c: string): void {
    switch (c) {
      case "\\":
        return this.skipEscaped();
      case '"':
        this.stack.pop();
        break;
      case "`":
        return this.push("backtick", 1);
      case "$":
        return this.dollar(false);
    }
    this.i++;
  }

  private stepBrace(c: string): void {
    switch (c) {
      case "\\":
        return this.skipEscaped();
      case "}":
        this.stack.pop();
        break;
      case '"':
        return this.push("double", 1);
      case "'":
        // Inside "${...}", a single quote is an ordinary character in most shells.
        if (this.stack[this.stack.length - 2]?.kind === "double") break;
        return this.push("single", 1);
      case "`":
        return this.push("backtick", 1);
      case "$":
        return this.dollar(false);
    }
    this.i++;
  }

  private stepArith(c: string, frame: Frame): void {
    switch (c) {
      case "(":
        frame.depth++;
        break;
      case ")":
        if (frame.depth > 0) {
          frame.depth--;
        } else if (this.items[this.i + 1] === ")") {
          this.stack.pop();
          this.i += 2;
          return;
        } else {
          // `$((a); b)` is a command substitution of a subshell, not arithmetic.
          this.stack.pop();
          this.lostTrack = "an ambiguous $((";
        }
        break;
      case '"':
        return this.push("double", 1);
      case "`":
        return this.push("backtick", 1);
      case "$":
        return this.dollar(false);
    }
    this.i++;
  }

  /** At a `$`: enters the expansion it starts, if any. */
  private dollar(ansiQuotes: boolean): void {
    const next = this.items[this.i + 1];
    if (typeof next === "number") this.refuse(next, "follows a `$`, which would expand the value");
    if (next === "'" && ansiQuotes) return this.push("ansi", 2);
    if (next === "{") return this.push("brace", 2);
    if (next === "(") return this.items[this.i + 2] === "(" ? this.push("arith", 3) : this.push("subst", 2);
    this.i++;
  }

  /** At a `\`: the next character is taken literally. */
  private skipEscaped(): void {
    const next = this.items[this.i + 1];
    if (typeof next === "number") this.refuse(next, "follows a backslash, which would escape the value's first character");
    this.i += 2;
  }

  private push(kind: FrameKind, width: number): void {
    this.stack.push({ kind, depth: 0 });
    this.i += width;
  }

  private atWordStart(): boolean {
    const previous = this.items[this.i - 1];
    return previous === undefined || (typeof previous === "string" && WORD_BREAK.has(previous));
  }

  private textAt(from: number, length: number): string {
    return this.items
      .slice(from, from + length)
      .map((item) => (typeof item === "string" ? item : "\0"))
      .join("");
  }

  /** At `<<` or `<<-`: reads the delimiter word; the body starts after the next unquoted newline. */
  private heredocOperator(): void {
    let j = this.i + 2;
    const stripTabs = this.items[j] === "-";
    if (stripTabs) j++;
    while (this.items[j] === " " || this.items[j] === "\t") j++;
    let delimiter = "";
    const take = (at: number): string => {
      const item = this.items[at];
      if (typeof item === "number") this.refuse(item, "is in a here-document delimiter");
      return item ?? "";
    };
    for (let quote: string | undefined; j < this.items.length; j++) {
      const c = take(j);
      if (quote === undefined && WORD_BREAK.has(c)) break;
      if (c === quote) quote = undefined;
      else if (quote === undefined && (c === "'" || c === '"')) quote = c;
      else if (c === "\\" && quote !== "'") delimiter += take(++j);
      else delimiter += c;
    }
    if (delimiter !== "") this.pending.push({ delimiter, stripTabs });
    this.i = j;
  }

  /** Just after the newline that ends a command with here-documents: skips their bodies. */
  private heredocBodies(): void {
    for (const doc of this.pending) {
      while (this.i < this.items.length) {
        let line = "";
        for (; this.i < this.items.length && this.items[this.i] !== "\n"; this.i++) {
          const item = this.items[this.i];
          if (typeof item === "number") this.refuse(item, "is inside a here-document; pass the value as an argument or with printf");
          line += item ?? "";
        }
        this.i++;
        if ((doc.stripTabs ? line.replace(/^\t+/, "") : line) === doc.delimiter) break;
      }
    }
    this.pending = [];
  }

  private refuse(index: number, reason: string): never {
    throw new DagDefinitionError(
      `shell template placeholder ${this.raws[index] ?? ""} ${reason}; a value there cannot be quoted safely`,
      this.location,
    );
  }
}

function describeFrame(kind: FrameKind): string {
  switch (kind) {
    case "double":
      return "double quote";
    case "single":
    case "ansi":
      return "single quote";
    case "backtick":
      return "backquote";
    case "subst":
      return "$(";
    case "brace":
      return "${";
    case "arith":
      return "$((";
    case "top":
      return "command";
  }
}
