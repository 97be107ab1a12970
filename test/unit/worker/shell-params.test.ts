/**
 * Issue 15: shell tasks get each param as an environment variable, TRIBUTARY_PARAM_<NAME>, the
 * recommended way to hand params to scripts: a variable's value stays data in a nested `sh -c`,
 * where a templated value is code again. (Not in bash arithmetic, `[[ $x -eq 1 ]]`, which
 * evaluates any value as code: give such params a numeric schema; README.)
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskProcessPool } from "../../../src/worker/process-pool.js";
import { paramEnvVar } from "../../../src/worker/param-env.js";
import { fixture, logSink, request } from "./pool-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-shell-params-"));
const PWNED = join(dir, "pwned");
const HOSTILE = `x$(touch ${PWNED})\`touch ${PWNED}\`; touch ${PWNED}`;

describe("shell tasks: params as environment variables", () => {
  let pool: TaskProcessPool;
  beforeAll(async () => {
    process.env["TRIBUTARY_PARAM_STALE"] = "from the worker's own environment";
    pool = new TaskProcessPool({ size: 1, killGraceMs: 200 });
    await pool.warmUp([fixture("shell-params.ts")]);
  });
  afterAll(async () => {
    delete process.env["TRIBUTARY_PARAM_STALE"];
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("names each variable after its param, upper-cased, other characters as _", () => {
    expect(paramEnvVar("region")).toBe("TRIBUTARY_PARAM_REGION");
    expect(paramEnvVar("dry-run.v2")).toBe("TRIBUTARY_PARAM_DRY_RUN_V2");
  });

  it("passes strings as they are, numbers and booleans as text, lists and objects as JSON; no stale ones", async () => {
    const sink = logSink();
    const params = { note: HOSTILE, limit: 3, "dry-run": true, tags: ["a", "b"] };
    const outcome = await pool.run(request("shell-params.ts", "shell_params", "env", { params }), sink.onLog);
    expect(outcome).toMatchObject({ ok: true });
    expect(sink.messages()).toEqual([HOSTILE, "3", "true", '["a","b"]', "unset"]);
    expect(existsSync(PWNED)).toBe(false);
  });

  it("stays data in a nested sh -c", async () => {
    const nested = logSink();
    expect(await pool.run(request("shell-params.ts", "shell_params", "nested", { params: { note: HOSTILE } }), nested.onLog)).toMatchObject({ ok: true });
    expect(nested.messages()).toEqual([`got: ${HOSTILE}`]);
    expect(existsSync(PWNED)).toBe(false);
  });
});
