/**
 * `datasetFreshSensor(dataset, { maxAge })`: waits until a dataset was updated no longer than
 * `maxAge` ago, by any DAG or reported from outside (`POST /api/v1/datasets/events`), read from
 * the store's dataset events (docs/sensors.md, docs/lineage.md). Done with the update's time as
 * the task's result.
 */
import { parseDuration } from "../core/duration.js";
import { DagDefinitionError } from "../core/errors.js";
import type { Dataset, Duration, SensorDefinition } from "../dsl/types.js";

export interface FreshDataset {
  readonly uri: string;
  /** ISO timestamp of the update that was fresh enough. */
  readonly updatedAt: string;
}

export function datasetFreshSensor(
  dataset: Dataset,
  options: { readonly maxAge: Duration },
): SensorDefinition<FreshDataset, { readonly freshDataset: Dataset }> {
  if (typeof dataset !== "object" || dataset === null || typeof (dataset as { uri?: unknown }).uri !== "string") {
    throw new DagDefinitionError("datasetFreshSensor needs a dataset made with dataset(uri)", { field: "dataset" });
  }
  const maxAgeMs = parseDuration(options.maxAge, { field: "maxAge" });
  return {
    // The worker reads the latest updates of a sensor's input datasets before each poke.
    inputs: { freshDataset: dataset },
    poke: (ctx, { freshDataset }) => {
      const updatedAt = ctx.lastUpdated(freshDataset);
      if (updatedAt === null || ctx.pokedAt.getTime() - updatedAt.getTime() > maxAgeMs) return false;
      return { done: true, value: { uri: freshDataset.uri, updatedAt: updatedAt.toISOString() } };
    },
  };
}
