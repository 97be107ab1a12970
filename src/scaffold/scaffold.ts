/**
 * Writes a new pipeline project into a folder. Existing files are never overwritten: the whole
 * scaffold is refused, naming them, so that `init` in the wrong folder changes nothing.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InvalidInputError } from "../core/errors.js";
import { projectFiles, type ProjectSettings } from "./templates.js";

export interface ScaffoldResult {
  readonly dir: string;
  /** Paths written, relative to `dir`. */
  readonly files: readonly string[];
}

export async function scaffoldProject(dir: string, settings: Omit<ProjectSettings, "name"> & { name?: string }): Promise<ScaffoldResult> {
  const root = resolve(dir);
  const name = settings.name ?? packageName(basename(root));
  const files = projectFiles({ ...settings, name });
  const existing = [...files.keys()].filter((path) => existsSync(join(root, path)));
  if (existing.length > 0) {
    throw new InvalidInputError(`${root} already has ${existing.join(", ")}: nothing was written (choose an empty or new folder)`, { file: root });
  }
  for (const [path, content] of files) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, { flag: "wx" });
  }
  return { dir: root, files: [...files.keys()] };
}

/** A folder name made into a valid npm package name. */
export function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|[-]+$/g, "");
  return name.length > 0 ? name.slice(0, 214) : "pipelines";
}
