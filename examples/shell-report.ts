/**
 * A shell task with templating: `{{ ds }}` and `{{ params.label }}` are filled in (and escaped for
 * the shell) before the command runs. The task's result is the last line of its standard output,
 * which `check_report` receives like any other task result.
 *
 *   node bin/tributary.js run examples/shell-report.ts --logical-date 2024-03-01 --param label=weekly
 */
import { dag } from "tributary-orchestrator";
import { z } from "zod";

export default dag(
  "shell_report",
  {
    description: "A templated shell command whose last output line feeds a TypeScript task.",
    schedule: "@daily",
    startDate: "2024-01-01",
    tags: ["example", "shell"],
    params: z.object({ label: z.string().min(1).default("daily") }),
    defaults: { retries: 0, timeout: "1m" },
  },
  (d) => {
    const report = d.shell("render_report", {}, `echo "report for {{ ds }} label={{ params.label }}" && date -u +%Y`);

    d.task("check_report", { inputs: { report } }, async (ctx, { report }) => {
      if (!/^\d{4}$/.test(report)) throw new Error(`expected the last line of render_report to be a year, got "${report}"`);
      ctx.log.info(`render_report for ${ctx.ds} (label ${ctx.params.label}) ran in the year ${report}`);
      return { year: Number(report) };
    });
  },
);
