/**
 * The context a sensor's poke receives (`SensorContext`, docs/sensors.md): the task context plus
 * the poke's number, its start time and when the sensor's input datasets were last updated, as
 * the worker read them from the store before the poke (a task process has no store).
 */
import { normaliseDatasetUri } from "../core/dataset-uri.js";
import type { Dataset, SensorContext, TaskContext } from "../dsl/types.js";
import type { PokeFacts } from "./task-protocol.js";

export function buildSensorContext(ctx: TaskContext, poke: PokeFacts | undefined): SensorContext {
  const facts = poke ?? { pokeNumber: 1, pokedAt: new Date().toISOString(), datasetUpdates: {} };
  return Object.freeze({
    ...ctx,
    // A sensor already waits between pokes (`every`); a sleep inside a poke would be a second
    // clock for the same wait, and would restart its timeout.
    sleep(): Promise<void> {
      return Promise.reject(
        new TypeError(`ctx.sleep cannot be used in sensor "${ctx.taskId}": a sensor waits between its pokes already; set its \`every\` instead`),
      );
    },
    waitForEvent(): Promise<null> {
      return Promise.reject(
        new TypeError(`ctx.waitForEvent cannot be used in sensor "${ctx.taskId}": a sensor waits by poking; wait for the event in a function task`),
      );
    },
    pokeNumber: facts.pokeNumber,
    pokedAt: new Date(facts.pokedAt),
    lastUpdated(dataset: Dataset | string): Date | null {
      const raw: unknown = typeof dataset === "string" ? dataset : (dataset as { uri?: unknown } | null)?.uri;
      const uri = normaliseDatasetUri(raw, { dagId: ctx.dagId, taskId: ctx.taskId, field: "lastUpdated" }, "input");
      if (!(uri in facts.datasetUpdates)) {
        const known = Object.keys(facts.datasetUpdates);
        throw new Error(
          `ctx.lastUpdated("${uri}"): sensor "${ctx.taskId}" does not name this dataset in its inputs ` +
            `(${known.length === 0 ? "it names none" : `it names ${known.join(", ")}`}); add it to \`inputs\` so the worker reads its updates`,
        );
      }
      const at = facts.datasetUpdates[uri];
      return at === null || at === undefined ? null : new Date(at);
    },
  });
}
