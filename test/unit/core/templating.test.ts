import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DagDefinitionError, InvalidInputError } from "../../../src/core/errors.js";
import {
  assertTemplateVariables,
  renderShellTemplate,
  templateVariables,
  type TemplateValues,
} from "../../../src/core/templating.js";

const location = { dagId: "sales", taskId: "load" };

function values(params: Record<string, unknown> = {}): TemplateValues {
  return {
    ds: "2024-03-01",
    ds_nodash: "20240301",
    logical_date: "2024-03-01T06:00:00.000Z",
    data_interval_start: "2024-03-01T06:00:00.000Z",
    data_interval_end: "2024-03-02T06:00:00.000Z",
    run_id: "scheduled__2024-03-01T06:00:00+00:00",
    params,
  };
}

function render(template: string, params: Record<string, unknown> = {}): string {
  return renderShellTemplate(template, values(params), location);
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("rendering", () => {
  it("renders the shell example of docs/architecture.md §1 unchanged apart from the value", () => {
    expect(render(`psql -c "... WHERE date = '{{ ds }}'"`)).toBe(`psql -c "... WHERE date = '2024-03-01'"`);
  });

  it("renders every built-in variable, with optional whitespace", () => {
    expect(
      render("echo {{ds}} {{ ds_nodash }} {{  logical_date  }} {{ data_interval_start}} {{data_interval_end }} {{ run_id }}"),
    ).toBe(
      "echo 2024-03-01 20240301 2024-03-01T06:00:00.000Z 2024-03-01T06:00:00.000Z 2024-03-02T06:00:00.000Z scheduled__2024-03-01T06:00:00+00:00",
    );
  });

  it("renders params, nested params and array elements", () => {
    const params = { region: "eu", db: { host: "db.local", port: 5432 }, list: ["a", "b"] };
    expect(render("x {{ params.region }} {{ params.db.host }}:{{ params.db.port }} {{ params.list.1 }}", params)).toBe(
      "x eu db.local:5432 b",
    );
  });

  it("renders objects and arrays as JSON, null and undefined as empty, dates as ISO", () => {
    const params = { o: { a: 1, b: "x" }, l: [1, 2], n: null, u: undefined, t: true, d: new Date("2024-03-01T00:00:00Z") };
    expect(render(`x '{{ params.o }}' '{{ params.l }}' "{{ params.n }}{{ params.u }}" {{ params.t }} {{ params.d }}`, params)).toBe(
      `x '{"a":1,"b":"x"}' '[1,2]' "" true 2024-03-01T00:00:00.000Z`,
    );
    expect(render("x {{ params }}", { a: 1 })).toBe(`x '{"a":1}'`);
  });

  it("leaves values of safe characters bare and quotes the rest where unquoted", () => {
    expect(render("x {{ params.v }}", { v: "a-b_c.d/e:f=g@h%i+j,k" })).toBe("x a-b_c.d/e:f=g@h%i+j,k");
    expect(render("x {{ params.v }}", { v: "a b" })).toBe("x 'a b'");
    expect(render("x {{ params.v }}", { v: "it's" })).toBe("x 'it'\\''s'");
    expect(render("x {{ params.v }}", { v: "" })).toBe("x ''");
    expect(render("x {{ params.v }}", { v: "~" })).toBe("x '~'");
  });

  it("escapes for double and single quotes", () => {
    expect(render(`x "{{ params.v }}"`, { v: `a"b$c\`d\\e'f` })).toBe(`x "a\\"b\\$c\\\`d\\\\e'f"`);
    expect(render(`x '{{ params.v }}'`, { v: `a'b"c$d` })).toBe(`x 'a'\\''b"c$d'`);
  });

  it("drops values in comments, where they could only end the comment", () => {
    expect(render("echo hi # was {{ params.v }}\necho {{ ds }}", { v: "\nrm -rf /" })).toBe("echo hi # was \necho 2024-03-01");
  });

  it("returns a template without placeholders unchanged", () => {
    const template = `awk '{print $1}' "unterminated`;
    expect(render(template)).toBe(template);
  });

  it("refuses a NUL character, which no shell argument can hold", () => {
    expect(() => render("x {{ params.v }}", { v: "a\0b" })).toThrow(InvalidInputError);
  });
});

describe("unknown variables and missing params", () => {
  it.each([
    ["echo {{ dss }}", "dss"],
    ["echo {{ ds.x }}", "ds.x"],
    ["echo {{ env.HOME }}", "env.HOME"],
    ["echo {{ logicalDate }}", "logicalDate"],
  ])("%s throws naming %s", (template, name) => {
    const error = thrown(() => render(template));
    expect(error).toBeInstanceOf(DagDefinitionError);
    expect(error.message).toContain(`"${name}"`);
    expect((error as DagDefinitionError).location).toEqual(location);
    expect(() => assertTemplateVariables(template, location)).toThrow(DagDefinitionError);
  });

  it.each([
    ["echo {{ params.region }}", {}, "params.region"],
    ["echo {{ params.db.host }}", { db: {} }, "params.db.host"],
    ["echo {{ params.db.host }}", { db: "text" }, "params.db.host"],
    ["echo {{ params.db.host }}", { db: null }, "params.db.host"],
    ["echo {{ params.constructor }}", {}, "params.constructor"],
    ["echo {{ params.a.__proto__ }}", { a: {} }, "params.a.__proto__"],
    ["echo {{ params.list.2 }}", { list: [1, 2] }, "params.list.2"],
  ])("%s with params %j throws naming %s", (template, params, name) => {
    const error = thrown(() => render(template, params));
    expect(error).toBeInstanceOf(DagDefinitionError);
    expect(error.message).toContain(`"${name}"`);
  });

  it.each(["echo {{ ds | upper }}", "echo {{ }}", "echo {{ ds", "echo {{ params. }}", "echo {{ 1ds }}", "echo {{ ds() }}"])(
    "%s is not a valid placeholder",
    (template) => {
      expect(() => render(template)).toThrow(DagDefinitionError);
      expect(() => templateVariables(template)).toThrow(DagDefinitionError);
    },
  );
});

describe("templateVariables and assertTemplateVariables", () => {
  it("lists the names in order of first use, once each", () => {
    expect(templateVariables(`a {{ ds }} "{{params.region}}" '{{ ds }}' {{ params.db.host }}`)).toEqual([
      "ds",
      "params.region",
      "params.db.host",
    ]);
    expect(templateVariables("no placeholders {here} }}")).toEqual([]);
  });

  it("accepts known names and, given the DAG's params, only those params", () => {
    expect(() => assertTemplateVariables(`psql -c "... '{{ ds }}' {{ params.region }}"`, location)).not.toThrow();
    expect(() => assertTemplateVariables("x {{ params.region }}", location, ["region"])).not.toThrow();
    const error = thrown(() => assertTemplateVariables("x {{ params.regoin }}", location, ["region", "day"]));
    expect(error).toBeInstanceOf(DagDefinitionError);
    expect(error.message).toContain(`"params.regoin"`);
    expect(error.message).toContain("region, day");
  });

  it.each([
    ["x `echo {{ ds }}`", "inside `...`"],
    [`x "\`echo {{ ds }}\`"`, "inside `...`"],
    ["x ${V:-{{ ds }}}", "${...}"],
    [`x "\${V:-{{ ds }}}"`, "${...}"],
    ["x $(( {{ params.n }} + 1 ))", "$((...))"],
    ["x $'{{ ds }}'", "$'...'"],
    ["x \\{{ ds }}", "backslash"],
    [`x "\\{{ ds }}"`, "backslash"],
    ["x ${{ ds }}", "`$`"],
    [`x "\${{ ds }}"`, "`$`"],
    ["cat <<EOF\n{{ ds }}\nEOF", "here-document"],
    ["cat <<'EOF'\n{{ ds }}\nEOF", "here-document"],
    ["cat <<-EOF\n\tline\n\t{{ ds }}\n\tEOF", "here-document"],
    ["cat <<{{ ds }}\nx\n", "here-document delimiter"],
    [`x "{{ ds }}`, "unterminated double quote"],
    [`x '{{ ds }}`, "unterminated single quote"],
    ["x $(echo {{ ds }}", "unterminated $("],
    ["x $(case a in a) echo;; esac) {{ ds }}", "`case`"],
  ])("refuses %j (%s)", (template, reason) => {
    const error = thrown(() => assertTemplateVariables(template, location));
    expect(error).toBeInstanceOf(DagDefinitionError);
    expect(error.message).toContain(reason);
    expect(() => render(template, { n: 1 })).toThrow(DagDefinitionError);
  });

  it.each([
    "x \\${{ ds }}",
    "x $$ {{ ds }}",
    "x $# {{ ds }}",
    "x $(( 1 + 2 )) {{ ds }}",
    "x ${HOME} {{ ds }}",
    "x `date` {{ ds }}",
    "x a#b {{ ds }}",
    "x <<< {{ ds }}",
    "cat <<EOF\nit's $(date) `x`\nEOF\necho {{ ds }}",
    "case {{ ds }} in a) echo;; esac",
  ])("accepts %j", (template) => {
    expect(() => assertTemplateVariables(template, location)).not.toThrow();
  });
});

// Values that would run commands, break out of quotes or be mangled if escaped for the wrong context.
const HOSTILE: readonly string[] = [
  "'; rm -rf /tmp/x; echo '",
  "'; touch CANARY; echo '",
  '"; touch CANARY; echo "',
  "; touch CANARY",
  "$(touch CANARY)",
  "`touch CANARY`",
  "$(whoami)",
  "`whoami`",
  "${HOME}",
  "$HOME",
  "'",
  '"',
  "\\",
  "a\\",
  '\\"',
  "\\'",
  `'"'"'`,
  "'\\''",
  "line one\nline two\ntouch CANARY",
  "\n",
  "\t tab and  spaces ",
  "",
  "*",
  "~",
  "!",
  "#not a comment",
  "}",
  ")",
  "$((1+1))",
  "a && touch CANARY || touch CANARY",
  "> CANARY",
  "%s %d %n",
  "--help",
  "ünïcødé ✓",
  "plain-value_1.2",
];

interface Context {
  readonly name: string;
  readonly template: string;
  readonly expected: (v: string) => string;
}

// $(...) drops trailing newlines from its output.
const trimNewlines = (v: string) => v.replace(/\n+$/, "");

const CONTEXTS: readonly Context[] = [
  { name: "unquoted", template: "printf %s {{ params.v }}", expected: (v) => v },
  { name: "unquoted, inside a word", template: "printf %s pre-{{ params.v }}-post", expected: (v) => `pre-${v}-post` },
  { name: "double quotes", template: `printf %s "{{ params.v }}"`, expected: (v) => v },
  { name: "double quotes, with text", template: `printf %s "[ {{ params.v }} ]"`, expected: (v) => `[ ${v} ]` },
  { name: "single quotes", template: "printf %s '{{ params.v }}'", expected: (v) => v },
  { name: "single quotes, with text", template: "printf %s '[ {{ params.v }} ]'", expected: (v) => `[ ${v} ]` },
  {
    name: "single quotes inside double quotes (SQL style)",
    template: `printf %s "WHERE date = '{{ params.v }}'"`,
    expected: (v) => `WHERE date = '${v}'`,
  },
  { name: "unquoted inside $(...)", template: `printf %s "$(printf %s {{ params.v }})"`, expected: trimNewlines },
  { name: "single quotes inside $(...) in double quotes", template: `printf %s "$(printf %s '{{ params.v }}')"`, expected: trimNewlines },
  { name: "double quotes inside $(...) in double quotes", template: `printf %s "$(printf %s "{{ params.v }}")"`, expected: trimNewlines },
  { name: "inside a subshell inside $(...)", template: `printf %s "$( (printf %s '{{ params.v }}') )"`, expected: trimNewlines },
  { name: "an assignment", template: `V={{ params.v }}; printf %s "$V"`, expected: (v) => v },
  { name: "several contexts at once", template: `printf '%s|' {{ params.v }} "{{ params.v }}" '{{ params.v }}'`, expected: (v) => `${v}|${v}|${v}|` },
  {
    name: "after a comment with quotes and a placeholder",
    template: "# it's a \"comment\" {{ params.v }}\nprintf %s '{{ params.v }}'",
    expected: (v) => v,
  },
  {
    name: "after a here-document with quotes",
    template: "cat <<'EOF'\nit's \"here\"\nEOF\nprintf %s {{ params.v }}",
    expected: (v) => `it's "here"\n${v}`,
  },
  { name: "after escaped quotes", template: `printf %s \\' "\\"" '{{ params.v }}'`, expected: (v) => `'"${v}` },
];

const SHELLS = ["/bin/sh", "/bin/bash"].filter((shell) => existsSync(shell));

describe("rendered commands run in a real shell print each value exactly", () => {
  const cwd = mkdtempSync(join(tmpdir(), "tributary-template-"));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  const cases = SHELLS.flatMap((shell) => CONTEXTS.map((context): [string, string, Context] => [shell, context.name, context]));

  const runIn = (shell: string, command: string) => execFileSync(shell, ["-c", command], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  it.each(cases)("%s: %s", (shell, _name, context) => {
    const commands = HOSTILE.map((v) => render(context.template, { v }));
    // All values in one shell, each command in a subshell of its own, their outputs apart by NUL
    // (which no value can hold): a shell per value cost about 1,000 processes. Anything amiss is
    // run again a value at a time, for a message that names the value.
    const batch = runIn(shell, commands.map((command) => `(\n${command}\n); printf '\\0'`).join("\n"));
    const printed = batch.split("\0").slice(0, -1);
    if (printed.length === HOSTILE.length && printed.every((text, i) => text === context.expected(HOSTILE[i] ?? "")) && readdirSync(cwd).length === 0) return;
    HOSTILE.forEach((v, i) => {
      const command = commands[i] ?? "";
      expect(runIn(shell, command), `value ${JSON.stringify(v)} rendered as ${JSON.stringify(command)}`).toBe(context.expected(v));
      expect(readdirSync(cwd), `value ${JSON.stringify(v)} ran a command`).toEqual([]);
    });
  });

  it("covers both shells when present", () => {
    expect(SHELLS).toContain("/bin/sh");
  });
});
