/**
 * The files backend: a folder with one file per secret, the way Kubernetes mounts a Secret as a
 * volume (`/var/run/secrets/tributary/warehouse_password`). One trailing newline is dropped, since
 * files written by `echo` or editors end with one.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SecretBackend } from "./backend.js";
import { isSecretName } from "./names.js";

export const SECRETS_DIR_ENV = "TRIBUTARY_SECRETS_DIR";

export function fileSecretBackend(dir: string): SecretBackend {
  return {
    name: "files",
    describe: (name) => `file ${join(dir, name)}`,
    async get(name) {
      // The name is checked so that it can never reach outside the folder.
      if (!isSecretName(name)) return undefined;
      let text: string;
      try {
        text = await readFile(join(dir, name), "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return undefined;
        throw new Error(`secret "${name}": cannot read ${join(dir, name)}: ${(error as Error).message}`, { cause: error });
      }
      return text.replace(/\r?\n$/, "");
    },
    async list() {
      try {
        // Kubernetes keeps its bookkeeping in `..data` and `..<timestamp>` entries; they are not names.
        const entries = await readdir(dir, { withFileTypes: true });
        return entries.filter((e) => !e.isDirectory() && isSecretName(e.name)).map((e) => e.name).sort();
      } catch {
        return [];
      }
    },
  };
}
