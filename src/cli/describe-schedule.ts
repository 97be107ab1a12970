import type { Schedule } from "../dsl/types.js";

/** A schedule as a short text: the cron expression or preset, `every 15m`, `on datasets`, `manual`. */
export function describeSchedule(schedule: Schedule): string {
  if (schedule === null) return "manual";
  if (typeof schedule === "string") return schedule;
  if (Array.isArray(schedule)) return `on datasets: ${schedule.map((d) => d.uri).join(", ")}`;
  if ("every" in schedule) return `every ${String(schedule.every)}`;
  if ("datasets" in schedule) return `on ${schedule.when ?? "all"} of datasets: ${schedule.datasets.map((d) => d.uri).join(", ")}`;
  return "manual";
}
