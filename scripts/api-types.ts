/**
 * Writes ui/src/api/openapi.d.ts: TypeScript types generated (openapi-typescript) from the OpenAPI
 * document of a server built in-process, the same document docs/api-reference.md comes from. The
 * UI's API types (ui/src/api/types.ts) are aliases of these, so `npm run typecheck` proves the UI
 * reads what the API answers. Run with `npm run api:types` after changing a route or a response
 * schema; a test fails while the file is stale.
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { loadOpenApi } from "./api-reference/load-openapi.js";

export const API_TYPES_FILE = fileURLToPath(new URL("../ui/src/api/openapi.d.ts", import.meta.url));

const HEADER = [
  "/**",
  " * Generated from the API's OpenAPI document by `npm run api:types` (scripts/api-types.ts, openapi-typescript).",
  " * Do not edit: change the route's zod schemas (src/api/responses/) and run it again.",
  " */",
  "",
].join("\n");

export async function generateApiTypes(): Promise<string> {
  const { document } = await loadOpenApi();
  // Readonly everywhere, like the UI's types: the UI never changes what the API answered.
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], { immutable: true, alphabetize: true });
  return `${HEADER}${astToString(ast)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(API_TYPES_FILE, await generateApiTypes());
  console.log(`wrote ${API_TYPES_FILE}`);
}
