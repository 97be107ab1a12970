import type { Migration } from "kysely";
import type { SqlDialectName } from "./dialect-name.js";
import { initial } from "./000001-initial.js";
import { taskQueues } from "./000002-task-queues.js";
import { access } from "./000003-access.js";
import { dagVersions } from "./000004-dag-versions.js";
import { alerts } from "./000005-alerts.js";
import { lineage } from "./000006-lineage.js";
import { secrets } from "./000007-secrets.js";
import { backfills } from "./000008-backfills.js";
import { claimIndexes } from "./000009-claim-indexes.js";
import { alertDedupe } from "./000010-alert-dedupe.js";
import { lostTries } from "./000011-lost-tries.js";
import { runNotes } from "./000012-run-notes.js";
import { resultCache } from "./000013-result-cache.js";
import { waits } from "./000014-waits.js";
import { taskSteps } from "./000015-task-steps.js";
import { eventWaits } from "./000016-event-waits.js";
import { approvalRequests } from "./000017-approval-requests.js";
import { waitIndexes } from "./000018-wait-indexes.js";
import { partialStateIndexes } from "./000021-partial-state-indexes.js";
import { servedDagSets } from "./000022-served-dag-sets.js";

/** A migration whose work moved elsewhere: it stays listed because databases have run it. */
const RETIRED: Migration = { up: () => Promise.resolve() };

/**
 * The numbered migrations. Append a new entry (never edit or reorder existing ones) whenever the
 * schema changes; names sort in the order they run. One object is kept as code instead: PostgreSQL's
 * step function, created under a versioned name after these (postgres/step-function-sql.ts): a new
 * version of it takes a new name there, not a migration.
 */
export function migrationsFor(dialect: SqlDialectName): Record<string, Migration> {
  return {
    "000001_initial": initial(dialect),
    "000002_task_queues": taskQueues(dialect),
    "000003_access": access(dialect),
    "000004_dag_versions": dagVersions(dialect),
    "000005_alerts": alerts(dialect),
    "000006_lineage": lineage(dialect),
    "000007_secrets": secrets(dialect),
    "000008_backfills": backfills(dialect),
    "000009_claim_indexes": claimIndexes(dialect),
    "000010_alert_dedupe": alertDedupe(dialect),
    "000011_lost_tries": lostTries(dialect),
    "000012_run_notes": runNotes(dialect),
    "000013_result_cache": resultCache(dialect),
    "000014_waits": waits(dialect),
    "000015_task_steps": taskSteps(dialect),
    "000016_event_waits": eventWaits(dialect),
    "000017_approval_requests": approvalRequests(dialect),
    "000018_wait_indexes": waitIndexes(),
    // Created PostgreSQL's `tributary_step` (statements per row), then replaced it with a batched
    // version; databases that ran them keep it for the releases that call it. Nothing more to do.
    "000019_step_function": RETIRED,
    "000020_batched_step_function": RETIRED,
    "000021_partial_state_indexes": partialStateIndexes(dialect),
    "000022_served_dag_sets": servedDagSets(dialect),
  };
}
