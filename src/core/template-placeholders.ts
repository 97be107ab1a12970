/**
 * Splits a template into literal text and `{{ name }}` placeholders. Names are identifiers joined
 * by dots (`ds`, `params.region`, `params.a.b`, `params.list.0`); anything else between `{{` and
 * `}}` is an error, so that a typo or an unsupported filter (`{{ ds | upper }}`) fails at load.
 */
import { DagDefinitionError, type ErrorLocation } from "./errors.js";

export type TemplateSegment =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "placeholder"; readonly name: string; readonly raw: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|\d+))*$/;

export function parseTemplate(template: string, location: ErrorLocation): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let position = 0;
  while (position < template.length) {
    const open = template.indexOf("{{", position);
    if (open === -1) break;
    const close = template.indexOf("}}", open + 2);
    if (close === -1) {
      throw new DagDefinitionError(`unclosed template placeholder at "${excerpt(template, open)}": expected {{ name }}`, location);
    }
    const raw = template.slice(open, close + 2);
    const name = template.slice(open + 2, close).trim();
    if (!NAME.test(name)) {
      throw new DagDefinitionError(
        `invalid template placeholder ${raw}: expected {{ name }} or {{ params.name }} (no filters or expressions)`,
        location,
      );
    }
    if (open > position) segments.push({ kind: "text", text: template.slice(position, open) });
    segments.push({ kind: "placeholder", name, raw });
    position = close + 2;
  }
  if (position < template.length) segments.push({ kind: "text", text: template.slice(position) });
  return segments;
}

function excerpt(text: string, at: number): string {
  const slice = text.slice(at, at + 30);
  return slice.length < text.length - at ? `${slice}...` : slice;
}
