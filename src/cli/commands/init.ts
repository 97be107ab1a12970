/**
 * `tributary init [dir]`: scaffolds a pipeline project (see scaffold/templates.ts).
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { scaffoldProject } from "../../scaffold/scaffold.js";
import { EXIT, UsageError } from "../exit-codes.js";

export const INIT_USAGE = `tributary init [<dir>] [--name <package>] [--tributary <spec>]

Scaffolds a pipeline project in <dir> (default: the current folder): package.json, tsconfig.json,
dags/hello.ts, a test written with tributary/testing, a README. Then: npm install && npx tributary dev.
--tributary sets how package.json depends on tributary-orchestrator (default: TRIBUTARY_INIT_PACKAGE,
else ^<this version>; e.g. a tarball from \`npm pack\` or file:../tributary). Existing files are never
overwritten.`;

interface OwnPackage {
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

export async function initCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { name: { type: "string" }, tributary: { type: "string" } },
  });
  if (positionals.length > 1) throw new UsageError(`expected at most one folder\n\n${INIT_USAGE}`);
  const own = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as OwnPackage;
  const range = (version: string | undefined, fallback: string) => `^${(version ?? fallback).replace(/^[\^~]/, "")}`;
  const result = await scaffoldProject(positionals[0] ?? ".", {
    ...(values.name === undefined ? {} : { name: values.name }),
    tributarySpec: values.tributary ?? (process.env["TRIBUTARY_INIT_PACKAGE"] || `^${own.version}`),
    tsxVersion: range(own.dependencies?.["tsx"], "4.0.0"),
    typescriptVersion: range(own.devDependencies?.["typescript"], "5.0.0"),
    typesNodeVersion: range(own.devDependencies?.["@types/node"], "20.0.0"),
  });
  const rel = relative(process.cwd(), result.dir);
  const where = rel === "" ? "." : rel.startsWith("..") ? result.dir : rel;
  process.stdout.write(
    `created a Tributary project in ${result.dir}:\n${result.files.map((f) => `  ${f}`).join("\n")}\n\n` +
      `next:\n${where === "." ? "" : `  cd ${where}\n`}  npm install\n  npm test\n  npx tributary dev\n`,
  );
  return EXIT.ok;
}
