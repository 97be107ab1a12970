/**
 * The files of a new pipeline project (`tributary init`): a package depending on tributary-orchestrator, a
 * TypeScript config, one DAG, its test written with the testing kit, and a README. Kept as code
 * (not files copied at run time) so that they ship inside `dist/` like everything else.
 */

export interface ProjectSettings {
  /** The package name. */
  readonly name: string;
  /** How package.json depends on tributary: a version range, or a path or tarball (`file:...`). */
  readonly tributarySpec: string;
  /** Versions of the development tools, aligned with the ones tributary itself uses. */
  readonly tsxVersion: string;
  readonly typescriptVersion: string;
  readonly typesNodeVersion: string;
}

export function projectFiles(settings: ProjectSettings): ReadonlyMap<string, string> {
  return new Map([
    ["package.json", packageJson(settings)],
    ["tsconfig.json", TSCONFIG],
    ["dags/hello.ts", HELLO_DAG],
    ["tests/hello.test.ts", HELLO_TEST],
    ["README.md", readme(settings.name)],
    [".gitignore", "node_modules/\n.tributary/\n"],
  ]);
}

function packageJson(settings: ProjectSettings): string {
  const pkg = {
    name: settings.name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      dev: "tributary dev",
      start: "tributary start",
      test: "node --import tsx --test tests/hello.test.ts",
      typecheck: "tsc --noEmit",
    },
    dependencies: { "tributary-orchestrator": settings.tributarySpec },
    devDependencies: {
      "@types/node": settings.typesNodeVersion,
      tsx: settings.tsxVersion,
      typescript: settings.typescriptVersion,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      types: ["node"],
      noEmit: true,
    },
    include: ["dags", "tests"],
  },
  null,
  2,
)}\n`;

const HELLO_DAG = `/**
 * Your first DAG: two tasks, the second receiving the first one's result.
 *
 *   npx tributary run dags/hello.ts --logical-date 2024-03-01   # one run, in the terminal
 *   npx tributary dev                                            # everything, reloading on save
 */
import { dag } from "tributary-orchestrator";

export default dag(
  "hello",
  {
    description: "Says hello once a day.",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    defaults: { retries: 2, retryDelay: "10s", backoff: "exponential", timeout: "1m" },
  },
  (d) => {
    const greeting = d.task("say_hello", async (ctx) => {
      ctx.log.info(\`hello from \${ctx.dagId}, for \${ctx.ds}\`);
      return { text: \`hello, \${ctx.ds}\` };
    });

    d.task("shout", { inputs: { greeting } }, async (ctx, { greeting }) => {
      const loud = greeting.text.toUpperCase();
      ctx.log.info(loud);
      return loud;
    });
  },
);
`;

const HELLO_TEST = `/**
 * Tests with tributary's testing kit: the DAG runs in memory, in this process, and its retries
 * wait in virtual time. Run them with \`npm test\`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { testDag } from "tributary-orchestrator/testing";
import hello from "../dags/hello.js";

test("hello says hello for the logical date", async () => {
  const result = await testDag(hello, { logicalDate: "2024-03-01" });
  assert.equal(result.state, "success");
  assert.equal(result.resultOf<string>("shout"), "HELLO, 2024-03-01");
});

test("a failing say_hello is retried after 10 s, then 20 s (virtual time)", async () => {
  const result = await testDag(hello, { logicalDate: "2024-03-01", failures: { say_hello: 2 } });
  assert.equal(result.state, "success");
  assert.deepEqual(result.retryWaits("say_hello"), [10_000, 20_000]);
});

test("shout with a mocked greeting", async () => {
  const result = await testDag(hello, { logicalDate: "2024-03-01", mocks: { say_hello: { text: "hi" } } });
  assert.equal(result.resultOf<string>("shout"), "HI");
});
`;

function readme(name: string): string {
  return `# ${name}

Data pipelines with [Tributary](https://github.com/tributary-dev/tributary).

\`\`\`sh
npm install
npm test                                                     # the DAG tests (tests/), in memory
npx tributary run dags/hello.ts --logical-date 2024-03-01    # one run of hello
npx tributary dev                                            # scheduler, workers and UI; reloads on save
\`\`\`

- \`dags/\`: one DAG per file (\`dags/hello.ts\` to start from). \`tributary dev\` reloads a file
  within a second of saving it; a file that does not load prints its error, and its last good
  version keeps running.
- \`tests/\`: tests written with \`tributary/testing\` (\`testDag\`): mocks, injected failures,
  retries in virtual time.
- State lives in \`.tributary/tributary.db\` (SQLite); set \`TRIBUTARY_DATABASE_URL\` to a
  PostgreSQL URL to share it between machines.
`;
}
