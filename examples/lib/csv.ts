/**
 * A small CSV reader for the example DAGs: RFC 4180 quoting (`"a, b"`, `"say ""hi"""`), a header
 * row, `\n` or `\r\n` line ends. Enough for the sample files in `examples/data/`; a real pipeline
 * would read its sources through a driver or a CSV library.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** One row keyed by the header's column names. */
export type CsvRow = Readonly<Record<string, string>>;

/** Splits CSV text into records of fields, honouring double-quoted fields. */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field === "") {
      quoted = true;
    } else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      record.push(field);
      field = "";
      if (record.length > 1 || record[0] !== "") records.push(record);
      record = [];
      if (ch === "\r" && text[i + 1] === "\n") i += 1;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (quoted) throw new Error("CSV ends inside a quoted field");
  record.push(field);
  if (record.length > 1 || record[0] !== "") records.push(record);
  return records;
}

/** Parses CSV text with a header row into objects; a row with the wrong field count is an error. */
export function parseCsv(text: string, source = "CSV"): CsvRow[] {
  const [header, ...records] = parseCsvRecords(text.replace(/^\uFEFF/, ""));
  if (!header) return [];
  return records.map((fields, index) => {
    if (fields.length !== header.length) {
      throw new Error(`${source}: row ${index + 2} has ${fields.length} fields, the header has ${header.length}`);
    }
    const row: Record<string, string> = {};
    header.forEach((name, column) => {
      row[name] = fields[column] ?? "";
    });
    return row;
  });
}

/** The absolute path of a file shipped in `examples/data/`. */
export function exampleDataPath(name: string): string {
  return fileURLToPath(new URL(`../data/${name}`, import.meta.url));
}

/** Reads and parses one of the sample files in `examples/data/`. */
export function readExampleCsv(name: string): CsvRow[] {
  const path = exampleDataPath(name);
  return parseCsv(readFileSync(path, "utf8"), path);
}

/** A column's value, or an error naming the column and the source when it is missing or empty. */
export function field(row: CsvRow, name: string, source: string): string {
  const value = row[name];
  if (value === undefined || value === "") throw new Error(`${source}: missing value for column "${name}"`);
  return value;
}
