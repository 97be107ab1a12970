/**
 * What `tributary dags check` warns about in shell commands: a `{{ params.* }}` or
 * `{{ secrets.* }}` placeholder inside the command string of a nested shell (`sh -c "..."`,
 * `bash -c '...'`, `eval ...`). The placeholder is quoted for the shell that runs the command, so
 * the outer shell hands the value over as one piece of data, but the nested shell then parses that
 * data as code: `sh -c "echo {{ params.x }}"` runs whatever x contains. Other placeholders (`ds`,
 * `run_id`...) have fixed shapes and are not reported. A heuristic, not a shell parser.
 */

export interface NestedShellPlaceholder {
  /** `params.note` */
  readonly placeholder: string;
  /** `sh -c`, `bash -c`, `eval` */
  readonly shell: string;
}

const SHELL_C = /(?<![\w.-])((?:ba|z|da|k|a)?sh)((?:\s+-[A-Za-z]+)+)\s+/g;
const EVAL = /(?<![\w.-])eval\s+/g;
const RISKY = /\{\{\s*((?:params|secrets)\.[A-Za-z0-9_.]+)\s*\}\}/g;

export function nestedShellPlaceholders(command: string): NestedShellPlaceholder[] {
  const found: NestedShellPlaceholder[] = [];
  for (const match of command.matchAll(SHELL_C)) {
    const flags = match[2] ?? "";
    if (!/-[A-Za-z]*c/.test(flags)) continue;
    report(found, word(command, (match.index ?? 0) + match[0].length), `${match[1] ?? "sh"} -c`);
  }
  for (const match of command.matchAll(EVAL)) report(found, simpleCommand(command, (match.index ?? 0) + match[0].length), "eval");
  return found;
}

function report(found: NestedShellPlaceholder[], region: string, shell: string): void {
  for (const placeholder of region.matchAll(RISKY)) found.push({ placeholder: placeholder[1] ?? "", shell });
}

/** The shell word starting at `start`: a quoted string, or the text up to a blank or an operator. */
function word(text: string, start: number): string {
  const quote = text[start];
  if (quote === "'" || quote === '"') return text.slice(start + 1, closingQuote(text, start));
  let i = start;
  while (i < text.length && !/[\s;&|]/.test(text[i] ?? "")) {
    // A placeholder is one piece of the word, blanks and all.
    const close = text.startsWith("{{", i) ? text.indexOf("}}", i) : -1;
    i = close === -1 ? i + 1 : close + 2;
  }
  return text.slice(start, i);
}

/** The text from `start` to the end of the simple command: an unquoted `;`, `&`, `|` or newline. */
function simpleCommand(text: string, start: number): string {
  let i = start;
  while (i < text.length && !/[;&|\n]/.test(text[i] ?? "")) {
    const c = text[i];
    i = c === "'" || c === '"' ? closingQuote(text, i) + 1 : i + 1;
  }
  return text.slice(start, i);
}

function closingQuote(text: string, open: number): number {
  const quote = text[open];
  let i = open + 1;
  while (i < text.length && text[i] !== quote) i += quote === '"' && text[i] === "\\" ? 2 : 1;
  return Math.min(i, text.length);
}
