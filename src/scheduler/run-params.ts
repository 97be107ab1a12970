/**
 * The params of a run created by hand or by an event. None given: the DAG's defaults, known as
 * data (dag-shape.ts). Some given to a DAG that declares a schema: the schema checks them, so the
 * DAG's code is needed (RegisteredDag.code; a registry imports it in the background as soon as it
 * registers such a DAG). Without a schema, params pass as given. One rule for the CLI, the API
 * and events.
 */
import { defaultParams } from "../dsl/dag-shape.js";
import { parseParams } from "../dsl/params.js";
import type { RegisteredDag } from "./dag-registry.js";

/** Throws a ParamsError naming the DAG and the field. */
export async function runParams(entry: RegisteredDag, given: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  if (Object.keys(given).length === 0) return defaultParams(entry.dag);
  if (!entry.dag.declaresParams) return parseParams(undefined, given, { dagId: entry.dag.id });
  return (await entry.code()).parseParams(given) as Record<string, unknown>;
}
