/**
 * `tributary runs cancel <runId>` through the real command line (`node bin/tributary.js`, built by
 * `npm run build`): it cancels a queued or running run in the store (no server needed), records
 * it in the audit log as the API's cancel does, and exits 2 naming the run when there is nothing
 * to cancel. Each test has its own store in a temporary folder.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runBuiltCli, useCliFolder, type CliResult } from "../support/built-cli.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/backfill-dags");

const folder = useCliFolder("tributary-cli-runs-cancel-");

/** `tributary <args> --db <the test's store>` from the test's folder. */
function cli(args: readonly string[]): Promise<CliResult> {
  return runBuiltCli([...args, "--db", folder.db], folder.dir);
}

async function triggered(): Promise<string> {
  const result = await cli(["trigger", "manual_only", "--dags", FIXTURES, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { runId: string }).runId;
}

describe("tributary runs cancel", () => {
  it("cancels a running run: its running task fails, the run fails, the audit log says who", async () => {
    const runId = await triggered();
    const store = await folder.openStore();
    const run = await store.getRun(runId);
    const dag = await store.getDagVersion("manual_only", run?.dagVersion ?? "");
    if (!dag) throw new Error("the run's DAG version was not recorded");
    await store.startRun(runId, dag.graph, new Date());
    const [claim] = await store.claimNextTasks({ workerId: "w1", limit: 1, dagIds: ["manual_only"], now: new Date() });
    expect(claim?.instance.taskId).toBe("report");

    const result = await cli(["runs", "cancel", runId]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`cancelled run ${runId} of manual_only`);
    expect((await store.getRun(runId))?.state).toBe("failed");
    expect((await store.listTaskInstances(runId)).map((t) => [t.taskId, t.state])).toEqual([["report", "failed"]]);
    const [entry] = await store.access.listAudit({ action: "run.cancel" });
    expect(entry).toMatchObject({ action: "run.cancel", target: runId, actor: expect.stringMatching(/^cli \(/) });
    const history = await store.listStateHistory(runId);
    expect(history.at(-1)).toMatchObject({ taskId: null, toState: "failed", reason: expect.stringMatching(/^cancelled: cancelled by cli \(/) });
  });

  it("cancels a queued run and prints JSON with --json", async () => {
    const runId = await triggered();
    const result = await cli(["runs", "cancel", runId, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ runId, dagId: "manual_only", state: "failed" });
    const store = await folder.openStore();
    expect((await store.getRun(runId))?.state).toBe("failed");
  });

  it("exits 2 with a clear message for a finished run, and writes no audit entry", async () => {
    const runId = await triggered();
    expect((await cli(["runs", "cancel", runId])).code).toBe(0);
    const again = await cli(["runs", "cancel", runId]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`DAG run ${runId} has already finished (failed): there is nothing to cancel`);
    const store = await folder.openStore();
    expect(await store.access.listAudit({ action: "run.cancel" })).toHaveLength(1);
  });

  it("exits 2 naming an unknown run, and without a run id shows the usage", async () => {
    await folder.openStore();
    const unknown = await cli(["runs", "cancel", "no-such-run"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no-such-run");
    const missing = await cli(["runs", "cancel"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("tributary runs cancel <runId>");
    const help = await cli(["help", "runs"]);
    expect(help.stdout).toContain("tributary runs cancel <runId>");
  });
});
