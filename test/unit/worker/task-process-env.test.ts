import { describe, expect, it } from "vitest";
import { TributaryError } from "../../../src/core/errors.js";
import { taskEnvAllowList, taskProcessEnv } from "../../../src/worker/task-process-env.js";

const WORKER_ENV = {
  PATH: "/usr/bin",
  HOME: "/home/w",
  LANG: "C.UTF-8",
  LC_TIME: "de_DE.UTF-8",
  TZ: "Europe/Berlin",
  HTTPS_PROXY: "http://proxy:3128",
  NODE_OPTIONS: "--max-old-space-size=512",
  TRIBUTARY_SECRET_KEY: "k",
  TRIBUTARY_ADMIN_PASSWORD: "p",
  TRIBUTARY_DATABASE_URL: "postgres://u:pw@db/t",
  TRIBUTARY_SECRET_WAREHOUSE_PASSWORD: "w",
  TRIBUTARY_PARAM_STALE: "stale",
  PGPASSWORD: "pg",
  AWS_SECRET_ACCESS_KEY: "aws",
  AWS_PROFILE: "prod",
  AWS_REGION: "eu-central-1",
};

describe("the environment of task processes", () => {
  it("is an allow-list: what programs need, nothing of Tributary's, none of the rest", () => {
    expect(taskProcessEnv(WORKER_ENV)).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/w",
      LANG: "C.UTF-8",
      LC_TIME: "de_DE.UTF-8",
      TZ: "Europe/Berlin",
      HTTPS_PROXY: "http://proxy:3128",
      NODE_OPTIONS: "--max-old-space-size=512",
    });
  });

  it("takes the operator's names and prefixes from TRIBUTARY_TASK_ENV", () => {
    const env = { ...WORKER_ENV, TRIBUTARY_TASK_ENV: "AWS_PROFILE, AWS_REG*\tPGPASSWORD" };
    expect(taskProcessEnv(env)).toMatchObject({ AWS_PROFILE: "prod", AWS_REGION: "eu-central-1", PGPASSWORD: "pg" });
    expect(taskProcessEnv(env)["AWS_SECRET_ACCESS_KEY"]).toBeUndefined();
    // `*` passes everything but Tributary's own variables.
    const all = taskProcessEnv({ ...WORKER_ENV, TRIBUTARY_TASK_ENV: "*" });
    expect(all["AWS_SECRET_ACCESS_KEY"]).toBe("aws");
    expect(Object.keys(all).filter((name) => name.startsWith("TRIBUTARY_"))).toEqual([]);
  });

  it("refuses TRIBUTARY_* entries and malformed ones, naming the variable", () => {
    for (const bad of ["TRIBUTARY_SECRET_KEY", "tributary_admin*", "FOO-BAR", "A*B"]) {
      let caught: unknown;
      try {
        taskEnvAllowList({ TRIBUTARY_TASK_ENV: `HOME,${bad}` });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TributaryError);
      expect((caught as TributaryError).code).toBe("INVALID_INPUT");
      expect((caught as TributaryError).message).toContain(`TRIBUTARY_TASK_ENV: "${bad}"`);
    }
  });
});
