/**
 * Which files of a DAG folder are DAG files: every `.ts`, `.mts`, `.js` and `.mjs` file, at any
 * depth, except dependencies (`node_modules`), hidden files and folders, tests and declaration
 * files. Sorted, so that loading (and which of two files defining one DAG id wins) is repeatable.
 */
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InvalidInputError } from "../core/errors.js";

const DAG_FILE = /\.(?:ts|mts|js|mjs)$/;
const NOT_DAG_FILE = /\.(?:test|spec)\.[cm]?[jt]s$|\.d\.[cm]?ts$/;

export async function listDagFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
      throw new InvalidInputError(`cannot read the DAG folder ${folder}: ${(error as Error).message}`, { file: folder });
    });
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && DAG_FILE.test(entry.name) && !NOT_DAG_FILE.test(entry.name)) files.push(path);
    }
  };
  await walk(resolve(dir));
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
