import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DagDefinitionError } from "../../../src/core/errors.js";
import { assertTemplateVariables, renderShellTemplate, type TemplateValues } from "../../../src/core/templating.js";
import { dag } from "../../../src/dsl/index.js";
import { secretEnvVar } from "../../../src/secrets/names.js";
import { runShellCommand } from "../../../src/worker/run-shell-command.js";

const SECRET = `pa ss'"$(touch /tmp/pwned)\`x\`;*`;
const location = { dagId: "d", taskId: "t" };
const values: TemplateValues = {
  ds: "2024-03-01",
  ds_nodash: "20240301",
  logical_date: "2024-03-01T00:00:00.000Z",
  data_interval_start: "2024-03-01T00:00:00.000Z",
  data_interval_end: "2024-03-02T00:00:00.000Z",
  run_id: "r",
  params: {},
  secrets: { pw: secretEnvVar("pw") },
};
const env = { ...process.env, [secretEnvVar("pw")]: SECRET };

const dir = mkdtempSync(join(tmpdir(), "tributary-shell-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("{{ secrets.name }} in shell tasks", () => {
  it("renders a reference to an environment variable, never the value, in every quoting context", () => {
    const command = renderShellTemplate(`printf '%s|' {{ secrets.pw }} "in {{ secrets.pw }}" 'single {{ secrets.pw }}' # {{ secrets.pw }}`, values, location);
    expect(command).toBe(`printf '%s|' "\${TRIBUTARY_SECRET_PW}" "in \${TRIBUTARY_SECRET_PW}" 'single '"\${TRIBUTARY_SECRET_PW}"'' # `);
    expect(command).not.toContain("pa ss");
    // sh expands each reference to exactly the value, which runs nothing.
    const out = execFileSync("/bin/sh", ["-c", command], { env, encoding: "utf8" });
    expect(out).toBe(`${SECRET}|in ${SECRET}|single ${SECRET}|`);
  });

  it("passes the value to the command through its environment: its argv holds only the reference", async () => {
    const command = renderShellTemplate(
      `tr '\\000' ' ' < /proc/$$/cmdline > ${dir}/cmdline; printf %s {{ secrets.pw }} > ${dir}/value`,
      values,
      location,
    );
    await runShellCommand(command, { signal: new AbortController().signal, env, onLine: () => undefined, onProcessGroup: () => undefined });
    expect(readFileSync(join(dir, "value"), "utf8")).toBe(SECRET);
    const argv = readFileSync(join(dir, "cmdline"), "utf8");
    expect(argv).toContain("/bin/sh -c");
    expect(argv).toContain("TRIBUTARY_SECRET_PW");
    expect(argv).not.toContain("pa ss");
  });

  it("is checked at load: a secret the task does not declare is an error naming DAG, task and secret", () => {
    expect(() => assertTemplateVariables("echo {{ secrets.pw }}", location, undefined, ["other"])).toThrow(DagDefinitionError);
    expect(() => assertTemplateVariables("echo {{ secrets.pw.x }}", location, undefined, ["pw"])).toThrow(/expected secrets.<name>/);
    assertTemplateVariables("echo {{ secrets.pw }}", location, undefined, ["pw"]);
    try {
      dag("loads", {}, (d) => {
        d.shell("load", { secrets: ["warehouse_password"] }, "psql -c 'select 1' --password {{ secrets.warehouse_pasword }}");
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DagDefinitionError);
      expect((error as DagDefinitionError).describe()).toContain('DAG "loads", task "load", field "command"');
      expect((error as DagDefinitionError).message).toContain('add "warehouse_pasword" to its secrets option');
    }
  });
});
