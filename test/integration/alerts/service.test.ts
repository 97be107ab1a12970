/**
 * The alert dispatcher and the metrics inside a running TributaryService (SQLite, real worker
 * processes): a broken Slack receiver (HTTP 500) is retried without holding up the run, and
 * `/metrics`, served by a plain node http server and parsed strictly, matches the store after a
 * scripted set of runs.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TributaryService } from "../../../src/app/tributary-service.js";
import { openSqliteStore } from "../../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../../src/store/index.js";
import { renderMetrics } from "../../../src/observability/metrics.js";
import { startReceiver, type Receiver } from "./receivers.js";
import { parsePrometheusText, sampleValue, type MetricFamily } from "./prometheus-text.js";
import { waitForValue } from "../../support/wait-for.js";

const DAGS = join(import.meta.dirname, "../../fixtures/alert-dags");

/** The probe's first value that is not undefined or false. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const value = await waitForValue(async () => await probe(), (v) => v !== undefined && v !== false, { what, timeoutMs });
  return value as T;
}

describe.sequential("alerts and metrics in a running service", () => {
  let dir: string;
  let store: Store;
  let slack: Receiver;
  let service: TributaryService;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-alerts-"));
    store = openSqliteStore({ path: join(dir, "store.db") });
    const report = await store.migrate();
    if (report.error) throw report.error;
    slack = await startReceiver({ fallback: 500 });
    service = new TributaryService({
      store,
      dagsDir: DAGS,
      concurrency: 2,
      tickMs: 100,
      alerts: { slackUrl: slack.url, delivery: { retryDelayMs: 50, maxAttempts: 3, timeoutMs: 2_000 } },
    });
    await service.start();
  }, 60_000);

  afterAll(async () => {
    await service.stop(5_000);
    await store.close();
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  });

  const trigger = async (dagId: string, n: number) => {
    const entry = service.registry.get(dagId);
    if (!entry) throw new Error(`no DAG ${dagId}`);
    const now = new Date();
    const { run } = await store.createRun({
      runId: `${dagId}-manual-${n}`,
      runType: "manual",
      graph: entry.dag.graph,
      logicalDate: now,
      dataIntervalStart: now,
      dataIntervalEnd: now,
      params: {},
      start: true,
      now,
    });
    return run.runId;
  };
  const finished = (runId: string) => until(`run ${runId}`, async () => {
    const run = await store.getRun(runId);
    return run && (run.state === "success" || run.state === "failed") ? run : undefined;
  });

  it("a Slack receiver answering 500 is retried, and the run still completes", async () => {
    const runId = await trigger("breaks", 1);
    const run = await finished(runId);
    // The leaf (an all_done task) ran and succeeded although the alert channel is broken.
    expect(run.state).toBe("success");
    expect((await store.listTaskInstances(runId)).map((ti) => [ti.taskId, ti.state])).toEqual([
      ["explode", "failed"],
      ["after", "success"],
    ]);
    const alert = await until("the alert", async () => (await store.alerts.listAlerts({}))[0]);
    const delivery = await until("the Slack delivery to give up", async () => {
      const [d] = await store.alerts.listAlertDeliveries(alert.id);
      return d?.state === "failed" ? d : undefined;
    });
    expect(delivery.attempts).toBe(3);
    expect(slack.requests).toHaveLength(3);
    expect((await store.alerts.listDeliveryAttempts(alert.id)).map((a) => a.status)).toEqual([500, 500, 500]);
  }, 60_000);

  it("/metrics parses as Prometheus text and matches the store after a scripted set of runs", async () => {
    const runs = [await trigger("flaky", 1), await trigger("flaky", 2), await trigger("breaks", 2)];
    for (const runId of runs) await finished(runId);
    await until("both alerts", async () => (await store.alerts.listAlerts({})).length >= 1 && (await store.listDeadLetters({ open: true })).length === 2);

    // Served the way the API mounts it: GET /metrics on a plain node http server.
    const server = createServer((req, res) => {
      if (req.url !== "/metrics") return void res.writeHead(404).end();
      renderMetrics(store, service.metrics).then(
        ({ contentType, body }) => res.writeHead(200, { "content-type": contentType }).end(body),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    let families: Map<string, MetricFamily>;
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      families = parsePrometheusText(await response.text());
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(families, name, labels);
    // Gauges and counters read from the store.
    const runRows = await store.listRuns({ limit: 1_000 });
    for (const dag of ["flaky", "breaks"]) {
      for (const state of ["success", "failed"]) {
        const expected = runRows.filter((r) => r.dagId === dag && r.state === state).length;
        expect(value("tributary_dag_runs", { dag, state }) ?? 0).toBe(expected);
      }
    }
    expect(value("tributary_dag_runs", { dag: "flaky", state: "success" })).toBe(2);
    expect(value("tributary_dag_runs", { dag: "breaks", state: "success" })).toBe(2);
    expect(value("tributary_task_instances", { dag: "flaky", state: "success" })).toBe(4);
    expect(value("tributary_task_instances", { dag: "breaks", state: "failed" })).toBe(2);
    expect(value("tributary_task_retries_total", { dag: "flaky", task: "flaky" })).toBe(2);
    expect(value("tributary_dead_letters_open", { dag: "breaks" })).toBe((await store.listDeadLetters({ open: true })).length);
    const alertsByState = (await store.alerts.listAlerts({})).filter((a) => a.state === "open").length;
    expect(value("tributary_alerts", { state: "open" })).toBe(alertsByState);
    const freshness = value("tributary_dataset_freshness_seconds", { dataset: "s3://reports/daily" });
    expect(freshness).toBeGreaterThanOrEqual(0);
    expect(freshness).toBeLessThan(120);

    // Histograms fed by this process's worker: one observation per try it ran.
    expect(value("tributary_task_duration_seconds_count", { dag: "flaky", task: "flaky", outcome: "failed" })).toBe(2);
    expect(value("tributary_task_duration_seconds_count", { dag: "flaky", task: "flaky", outcome: "success" })).toBe(2);
    expect(value("tributary_task_duration_seconds_bucket", { dag: "flaky", task: "flaky", outcome: "success", le: "+Inf" })).toBe(2);
    expect(value("tributary_task_queue_wait_seconds_count", { dag: "breaks", task: "explode" })).toBe(2);
    expect(families.get("tributary_task_duration_seconds")?.type).toBe("histogram");
    expect(families.get("tributary_task_retries_total")?.type).toBe("counter");
    expect(value("tributary_scheduler_loop_duration_seconds_count")).toBeGreaterThan(0);
    expect((value("tributary_worker_slots", { state: "used" }) ?? -1) + (value("tributary_worker_slots", { state: "free" }) ?? -1)).toBe(2);
    // How this process's store recorded outcomes: plain successes in one call (SQLite's step
    // function), failures through the statements.
    expect(families.get("tributary_outcome_writes_total")?.type).toBe("counter");
    expect(value("tributary_outcome_writes_total", { path: "one_call", reason: "" })).toBeGreaterThan(0);
    expect(value("tributary_outcome_writes_total", { path: "statements", reason: "not covered" })).toBeGreaterThan(0);
    expect(value("tributary_outcome_writes_total", { path: "statements", reason: "no step function in this database" })).toBeUndefined();
  }, 90_000);
});
