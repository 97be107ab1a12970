/**
 * `httpSensor(url, { expectStatus })`: waits until a URL answers with the expected status
 * (default 200), e.g. a service that must be up or an export that must be ready (docs/sensors.md).
 * A refused connection or a timeout counts as "not yet"; the poke's own time limit bounds each
 * request (`ctx.signal`). Done with the status as the task's result.
 */
import { DagDefinitionError } from "../core/errors.js";
import type { SensorContext, SensorDefinition } from "../dsl/types.js";

export interface HttpSensorOptions {
  /** The status (or statuses) that mean done (default 200). */
  readonly expectStatus?: number | readonly number[];
  readonly method?: "GET" | "HEAD";
  readonly headers?: Readonly<Record<string, string>>;
}

export function httpSensor(url: string | ((ctx: SensorContext) => string), options: HttpSensorOptions = {}): SensorDefinition<{ readonly status: number }> {
  if (typeof url === "string") checkUrl(url);
  const expected = [options.expectStatus ?? 200].flat();
  if (expected.length === 0 || expected.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
    throw new DagDefinitionError(`httpSensor: expectStatus must be HTTP statuses (100-599), got ${JSON.stringify(options.expectStatus)}`, { field: "expectStatus" });
  }
  return {
    poke: async (ctx) => {
      const target = typeof url === "function" ? url(ctx) : url;
      let status: number;
      try {
        const response = await fetch(target, { method: options.method ?? "GET", headers: options.headers, signal: ctx.signal, redirect: "follow" });
        status = response.status;
        await response.body?.cancel();
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        ctx.log.info(`${target}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}; poking again later`);
        return false;
      }
      if (expected.includes(status)) return { done: true, value: { status } };
      ctx.log.info(`${target} answered ${status}, waiting for ${expected.join(" or ")}`);
      return false;
    },
  };
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DagDefinitionError(`httpSensor needs an absolute http(s) URL, got ${JSON.stringify(url)}`, { field: "url" });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new DagDefinitionError(`httpSensor needs an http(s) URL, got ${JSON.stringify(url)}`, { field: "url" });
  }
}
