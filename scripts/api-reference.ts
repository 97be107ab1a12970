/**
 * Writes docs/api-reference.md from the OpenAPI document of a server built in-process.
 * Run with `npm run docs:api` after changing a route; a test fails while the file is stale.
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { loadOpenApi } from "./api-reference/load-openapi.js";
import { renderApiReference } from "./api-reference/render-markdown.js";

export const API_REFERENCE_FILE = fileURLToPath(new URL("../docs/api-reference.md", import.meta.url));

export async function generateApiReference(): Promise<string> {
  const { document, routeTable } = await loadOpenApi();
  return renderApiReference(document, routeTable);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(API_REFERENCE_FILE, await generateApiReference());
  console.log(`wrote ${API_REFERENCE_FILE}`);
}
