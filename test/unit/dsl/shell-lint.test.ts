/**
 * Issue 15: templated values are quoted for the shell that runs the command, but a nested shell
 * (`sh -c "..."`, `bash -c`, `eval`) parses the quoted value again, as code. `tributary dags
 * check` warns about every such placeholder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nestedShellPlaceholders } from "../../../src/dsl/shell-lint.js";
import { runCliProcess } from "../../integration/hardening/cli-process.js";

const names = (command: string) => nestedShellPlaceholders(command).map((w) => `${w.placeholder} in ${w.shell}`);

describe("placeholders inside nested shells", () => {
  it("finds params and secrets inside sh -c, bash -c, eval", () => {
    expect(names(`sh -c "echo {{ params.x }}"`)).toEqual(["params.x in sh -c"]);
    expect(names(`bash -lc 'grep {{ params.x }} f'`)).toEqual(["params.x in bash -c"]);
    expect(names(`/bin/bash -c "[[ {{ params.n }} -eq 1 ]]"`)).toEqual(["params.n in bash -c"]);
    expect(names(`ssh host sh -c {{ params.x }}`)).toEqual(["params.x in sh -c"]);
    expect(names(`eval "ls {{ params.dir }}" && echo {{ params.other }}`)).toEqual(["params.dir in eval"]);
    expect(names(`zsh -c "curl -u {{ secrets.token }}"`)).toEqual(["secrets.token in zsh -c"]);
  });

  it("leaves plain commands, variables and fixed-shape values alone", () => {
    expect(names("echo {{ params.x }} {{ ds }}")).toEqual([]);
    expect(names(`sh -c 'echo "$TRIBUTARY_PARAM_X"'`)).toEqual([]);
    expect(names(`sh -c "process {{ ds }} {{ run_id }}"`)).toEqual([]);
    expect(names(`sh -c "echo hi"; echo {{ params.x }}`)).toEqual([]);
    expect(names(`echo evaluate {{ params.x }}; fish -c x`)).toEqual([]);
  });
});

describe("tributary dags check", { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "tributary-shell-lint-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("warns about each placeholder in a nested shell, naming the task and the safe way; still exits 0", async () => {
    const dags = resolve(import.meta.dirname, "../../fixtures/shell-lint-dags");
    const result = await runCliProcess(["dags", "check", dags], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("1 DAG(s) OK");
    const warnings = result.stdout.split("\n").filter((l) => l.startsWith("warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('DAG "nested_shells", task "nested_sh"');
    expect(warnings[0]).toContain("{{ params.note }}");
    expect(warnings[0]).toContain("$TRIBUTARY_PARAM_NOTE");
  });
});
