/**
 * The forms a secret predictably takes on its way into a log: escaped for JSON or a shell,
 * printed by `echo`/`printf` (which interpret backslash escapes), URL-encoded, base64-encoded
 * (alone, or inside a longer encoded text such as `user:password` in an HTTP Basic header).
 * The masker hides each of them; an encoding nobody can predict (reversed, split, encrypted)
 * still leaks, which is why masking is a safety net and not a boundary (docs/secrets.md).
 */

/** Shorter fragments (a line of a multi-line secret, a base64 core) are left alone: too likely to be ordinary text. */
const MIN_FRAGMENT_LENGTH = 4;
const MIN_BASE64_CORE_LENGTH = 8;

export function secretForms(secret: string): Set<string> {
  const forms = new Set<string>([secret]);
  const add = (form: string) => {
    if (form.length > 0) forms.add(form);
    // Lines arrive one by one in a log: a form with line breaks is also hidden line by line.
    if (/[\r\n]/.test(form)) for (const line of form.split(/\r?\n|\r/)) if (line.trim().length >= MIN_FRAGMENT_LENGTH) forms.add(line.trim());
  };
  add(secret);
  add(JSON.stringify(secret).slice(1, -1));
  add(secret.replace(/\\/g, "\\\\"));
  add(secret.replace(/[\\"'$`]/g, "\\$&"));
  if (secret.includes("\\")) add(interpretBackslashEscapes(secret));
  const url = encodeURIComponent(secret);
  add(url);
  add(url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  add(url.replace(/%20/g, "+"));
  add(new URLSearchParams({ k: secret }).toString().slice(2));
  add(encodeURI(secret));
  for (const form of base64Forms(Buffer.from(secret, "utf8"))) add(form);
  return forms;
}

/** What `echo` in sh/dash, `echo -e` and `printf` print for a text with C escapes. */
export function interpretBackslashEscapes(text: string): string {
  const simple: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", e: "\x1b", "\\": "\\" };
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c !== "\\" || next === undefined) {
      out += c;
      continue;
    }
    if (next === "c") break; // \c: print nothing more
    const mapped = simple[next];
    if (mapped !== undefined) {
      out += mapped;
      i++;
      continue;
    }
    const octal = /^0?[0-7]{1,3}/.exec(text.slice(i + 1))?.[0];
    if (octal !== undefined) {
      out += String.fromCharCode(parseInt(octal, 8) & 0xff);
      i += octal.length;
      continue;
    }
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1));
    if (hex?.[1] !== undefined) {
      out += String.fromCharCode(parseInt(hex[1], 16));
      i += hex[0].length;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * The secret's base64 alone (with and without padding, standard and URL-safe), plus, for each of
 * the three byte offsets at which it can sit inside a longer encoded text, the characters that
 * depend on the secret's bytes only.
 */
function base64Forms(bytes: Buffer): string[] {
  const forms: string[] = [];
  const both = (text: string) => forms.push(text, text.replace(/\+/g, "-").replace(/\//g, "_"));
  const alone = bytes.toString("base64");
  both(alone);
  both(alone.replace(/=+$/, ""));
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    // Character i covers bits [6i, 6i + 6): it is the secret's alone when those bits lie inside its bytes.
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const core = encoded.slice(first, end);
    if (core.length >= MIN_BASE64_CORE_LENGTH) both(core);
  }
  return forms;
}
