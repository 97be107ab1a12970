/**
 * Starts the longest test files first. vitest orders files by the durations it cached on the last
 * run, and without a cache (a clean CI clone) by file size, which put the 3-minute real-clock
 * scheduler test last and made the whole run wait for it. The list below is measured (`vitest run
 * --reporter=json`, each file's end minus start, on the 2-core machine); files not in it keep
 * vitest's own order after these.
 */
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Longest first: each file took 15 s or more in a full run (2026-12-04, load about 8). */
export const SLOWEST_FILES: readonly string[] = [
  "test/integration/scheduler-on-time.test.ts",
  "test/integration/scale-out.test.ts",
  "test/integration/backfill.test.ts",
  "test/integration/cli-scheduler.test.ts",
  "test/integration/backfill-cli-resume.test.ts",
  "test/integration/secrets-cli.test.ts",
  "test/integration/bench-smoke.test.ts",
  "test/integration/scheduler.test.ts",
  "test/integration/init-project.test.ts",
  "test/integration/hanging-dag-files.test.ts",
  "test/integration/hardening/service-flags.test.ts",
  "test/integration/api/fuzz.test.ts",
  "test/integration/durable-steps-kill.test.ts",
  "test/unit/worker/isolations.test.ts",
  "test/integration/result-cache.test.ts",
  "test/integration/durable-sleep.test.ts",
  "test/integration/cli-approvals.test.ts",
  "test/integration/event-wait.test.ts",
  "test/e2e/approvals.test.ts",
  "test/conformance/store.test.ts",
  "test/e2e/run-management.test.ts",
  "test/integration/api/cli-remote.test.ts",
  "test/e2e/versions.test.ts",
  "test/e2e/admin-pages.test.ts",
  "test/integration/tracing.test.ts",
  "test/integration/api/security.test.ts",
  "test/e2e/log-view.test.ts",
  "test/e2e/alerts.test.ts",
  "test/integration/examples.test.ts",
  "test/e2e/ui-flows.test.ts",
  "test/integration/dev-reload.test.ts",
  "test/integration/lineage-cli.test.ts",
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification): number => {
      const index = SLOWEST_FILES.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
      return index === -1 ? SLOWEST_FILES.length : index;
    };
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
