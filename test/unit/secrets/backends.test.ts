import { mkdtempSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSecretAccessor, SecretUnavailableError } from "../../../src/secrets/accessor.js";
import { envSecretBackend } from "../../../src/secrets/env-backend.js";
import { fileSecretBackend } from "../../../src/secrets/file-backend.js";
import { secretEnvVar } from "../../../src/secrets/names.js";
import { SecretResolver } from "../../../src/secrets/resolver.js";
import { taskProcessEnv } from "../../../src/worker/task-process-env.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-secret-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("environment backend", () => {
  it("reads TRIBUTARY_SECRET_<NAME>, and never hands out the encryption key", async () => {
    const env = { TRIBUTARY_SECRET_WAREHOUSE_PASSWORD: "pw", TRIBUTARY_SECRET_KEY: "k", TRIBUTARY_SECRET_API_TOKEN: "t" };
    const backend = envSecretBackend(env);
    expect(secretEnvVar("warehouse_password")).toBe("TRIBUTARY_SECRET_WAREHOUSE_PASSWORD");
    expect(secretEnvVar("api-token.v2")).toBe("TRIBUTARY_SECRET_API_TOKEN_V2");
    expect(await backend.get("warehouse_password")).toBe("pw");
    expect(await backend.get("key")).toBeUndefined();
    expect(await backend.list()).toEqual(["api_token", "warehouse_password"]);
  });

  it("is stripped from the environment of task processes, key included", () => {
    const env = taskProcessEnv({ PATH: "/bin", TRIBUTARY_SECRET_X: "x", TRIBUTARY_SECRET_KEY: "k", TRIBUTARY_SECRETS_DIR: "/d" });
    expect(env).toEqual({ PATH: "/bin" });
  });
});

describe("files backend (one file per secret, as Kubernetes mounts them)", () => {
  it("reads a file per secret, dropping one trailing newline, following Kubernetes' symlinks", async () => {
    writeFileSync(join(dir, "warehouse_password"), "s3cret\n");
    writeFileSync(join(dir, "multi"), "line1\nline2\n\n");
    mkdirSync(join(dir, "..data"));
    writeFileSync(join(dir, "..data", "linked"), "via-link");
    symlinkSync(join("..data", "linked"), join(dir, "linked"));
    const backend = fileSecretBackend(dir);
    expect(await backend.get("warehouse_password")).toBe("s3cret");
    expect(await backend.get("multi")).toBe("line1\nline2\n");
    expect(await backend.get("linked")).toBe("via-link");
    expect(await backend.get("absent")).toBeUndefined();
    expect(await backend.list()).toEqual(["linked", "multi", "warehouse_password"]);
  });

  it("never reads outside its folder", async () => {
    const backend = fileSecretBackend(join(dir, "..data"));
    expect(await backend.get("../warehouse_password")).toBeUndefined();
    expect(await backend.get("..")).toBeUndefined();
  });
});

describe("resolver and ctx.secrets", () => {
  it("takes the first backend that holds a name: environment before files", async () => {
    writeFileSync(join(dir, "both"), "from-file");
    const resolver = new SecretResolver([envSecretBackend({ TRIBUTARY_SECRET_BOTH: "from-env" }), fileSecretBackend(dir)]);
    const resolved = await resolver.resolve(["both", "warehouse_password", "nowhere"]);
    expect(resolved.values).toEqual({ both: "from-env", warehouse_password: "s3cret" });
    expect(resolved.unavailable["nowhere"]).toBe(
      `secret "nowhere" is not set: looked for environment variable TRIBUTARY_SECRET_NOWHERE, file ${join(dir, "nowhere")}`,
    );
  });

  it("get() returns declared secrets and names the secret and the task otherwise", () => {
    const secrets = createSecretAccessor({
      dagId: "sales",
      taskId: "load",
      declared: ["warehouse_password", "missing"],
      values: { warehouse_password: "pw" },
      unavailable: { missing: 'secret "missing" is not set: looked for environment variable TRIBUTARY_SECRET_MISSING' },
    });
    expect(secrets.get("warehouse_password")).toBe("pw");
    expect(secrets.has("warehouse_password")).toBe(true);
    expect(secrets.has("missing")).toBe(false);
    expect(() => secrets.get("warehouse_pasword")).toThrow(SecretUnavailableError);
    expect(() => secrets.get("warehouse_pasword")).toThrow(
      'secret "warehouse_pasword" is not declared by task "load" of DAG "sales": add it to the task\'s secrets option (it declares "warehouse_password", "missing")',
    );
    expect(() => secrets.get("missing")).toThrow(
      'secret "missing" is not set: looked for environment variable TRIBUTARY_SECRET_MISSING (needed by task "load" of DAG "sales")',
    );
  });
});
