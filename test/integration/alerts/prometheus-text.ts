/**
 * A small, strict parser of the Prometheus text exposition format (0.0.4): every line must be a
 * `# HELP`, a `# TYPE` or a sample of the family declared before it; label values are unescaped;
 * a histogram's buckets must be cumulative and end in `+Inf` equal to `_count`. Anything else
 * throws, naming the line.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  type: string;
  help: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: ["", "_total"],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const lines = text.split("\n");
  if (lines.at(-1) !== "") throw new Error("the exposition must end with a newline");
  let current: MetricFamily | undefined;
  lines.slice(0, -1).forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === "") return;
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!match) return; // a plain comment
      const [, kind, name = "", rest = ""] = match;
      if (!NAME.test(name)) throw new Error(`bad metric name at ${where}`);
      let family = families.get(name);
      if (!family) {
        family = { name, type: "untyped", help: "", samples: [] };
        families.set(name, family);
      } else if (family.samples.length > 0) throw new Error(`${kind} after samples at ${where}`);
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`unknown type at ${where}`);
        family.type = rest;
      } else family.help = rest.replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
      current = family;
      return;
    }
    const sample = parseSample(line, where);
    const family = current;
    if (!family || !(SUFFIXES[family.type] ?? [""]).some((suffix) => sample.name === family.name + suffix)) {
      throw new Error(`sample outside its family at ${where}`);
    }
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

function parseSample(line: string, where: string): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
  if (!match) throw new Error(`malformed sample at ${where}`);
  const [, name = "", , body = "", valueText = ""] = match;
  const labels: Record<string, string> = {};
  let rest = body;
  while (rest.length > 0) {
    const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,?)/.exec(rest);
    if (!label) throw new Error(`malformed labels at ${where}`);
    const [all, key = "", raw = ""] = label;
    if (key in labels) throw new Error(`duplicate label ${key} at ${where}`);
    labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(all.length);
  }
  const value = valueText === "+Inf" ? Infinity : valueText === "-Inf" ? -Infinity : valueText === "NaN" ? NaN : Number(valueText);
  if (valueText === "" || (Number.isNaN(value) && valueText !== "NaN")) throw new Error(`bad value at ${where}`);
  return { name, labels, value };
}

function checkHistogram(family: MetricFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      entry.buckets.push([le === "+Inf" ? Infinity : Number(le), s.value]);
    } else if (s.name.endsWith("_count")) entry.count = s.value;
  }
  for (const [key, { buckets, count }] of series) {
    for (let i = 1; i < buckets.length; i++) {
      const [prevLe, prev] = buckets[i - 1] ?? [0, 0];
      const [le, value] = buckets[i] ?? [0, 0];
      if (le <= prevLe || value < prev) throw new Error(`${family.name} ${key}: buckets not cumulative`);
    }
    const last = buckets.at(-1);
    if (!last || last[0] !== Infinity || last[1] !== count) throw new Error(`${family.name} ${key}: +Inf bucket must equal _count`);
  }
}

/** The value of the sample named `name` whose labels are exactly `labels`; undefined if absent. */
export function sampleValue(families: ReadonlyMap<string, MetricFamily>, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  for (const family of families.values()) {
    for (const s of family.samples) {
      if (s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want) return s.value;
    }
  }
  return undefined;
}
