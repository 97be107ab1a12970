/** Validates OpenLineage events against the spec's JSON schema (a copy in test/fixtures, for clean clones). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const schema = JSON.parse(readFileSync(fileURLToPath(new URL("../../fixtures/openlineage/OpenLineage.json", import.meta.url)), "utf8")) as object;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

/** Throws with ajv's errors when `event` does not conform. */
export function assertOpenLineageEvent(event: unknown): void {
  if (!validate(event)) throw new Error(`invalid OpenLineage event: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(event)}`);
}
