/**
 * The top level of a `tributary.config.ts`, checked with zod: imported by project-config.ts only
 * when there is a config file, so that commands run without one do not load zod (about 0.1 s of
 * every command's start).
 */
import { z } from "zod";
import { parseConfigFile } from "../core/config-section.js";

/** Each section is checked by the module that knows its settings. */
const SETTINGS = {
  dags: z.string({ error: "must be a folder path" }).optional(),
  db: z.string({ error: "must be a path or URL" }).optional(),
  openlineage: z.unknown().optional(),
  otlp: z.unknown().optional(),
  alerts: z.unknown().optional(),
  trustProxy: z.unknown().optional(),
};

export function parseProjectSettings(value: unknown, file: string) {
  return parseConfigFile(SETTINGS, value, file);
}
