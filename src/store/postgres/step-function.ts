/**
 * A worker's step on PostgreSQL in one round trip (issue 17): its outcomes, the downstream tasks
 * they make ready, and its next claim, recorded by the server-side function (`STEP_FUNCTION_NAME`,
 * step-function-sql.ts) in one call and one implicit transaction. Through statements the same step
 * costs eight round trips or more (BEGIN, lock, move, readiness, queue, claim, open, COMMIT),
 * most of a PostgreSQL step's time on a local server.
 *
 * It takes only the common case, and says so before calling (sql/shared/step-call.ts, which
 * sqlite/step-function.ts shares). The function itself gives up (its writes rolled back, no error
 * raised) on whatever the rows show beyond that: an upstream failed or skipped, a run to close
 * other than a running run whose every instance succeeded (which it closes as a success), a row
 * that moved, a claim whose lists of DAGs are not registered (postgres/served-dag-sets.ts). So does
 * an argument PostgreSQL refuses as data, and a step whose lists could not be registered. A
 * claim with a candidate in a configured pool or woken from a wait, or a due wait to wake into a
 * free slot, is left to the caller (`claimSkipped`), the outcomes recorded.
 * Everything else, and every give-up, goes through the statements' path
 * (sql/tries/complete-tries.ts, sql/runs/advance.ts, sql/tries/claim.ts), which remains the
 * definition of each rule: test/conformance/step-function.test.ts runs scripts of steps and
 * batches through both and compares everything each returned and stored, and the conformance
 * suite's plain successes go through the function on PostgreSQL. A give-up leaves gaps in the ids
 * of history rows, tries and log lines (sequences do not roll back), as any rolled-back
 * transaction does.
 */
import { sql, type Kysely } from "kysely";
import type { CompleteTryResult } from "../contract/store.js";
import type { Database } from "../sql/schema.js";
import type { StepFunction } from "../sql/shared/step-function.js";
import { claimedTask, NOT_COVERED, stepCall, successResult, type ClaimedEntry, type StepCall } from "../sql/shared/step-call.js";
import { ServedDagSets, UNKNOWN_DAG_SET } from "./served-dag-sets.js";
import { STEP_FUNCTION_NAME, STEP_FUNCTION_SQL } from "./step-function-sql.js";

/** The step function of a store whose workers are woken on `channel` (postgres/listen-notifier.ts). */
export function stepFunction(db: Kysely<Database>, channel: string): StepFunction {
  const dagSets = new ServedDagSets(db);
  return async (inputs, claim) => {
    const covered = stepCall(inputs, claim);
    if (covered === undefined) return NOT_COVERED;
    let dagSet: string | undefined;
    try {
      dagSet = covered.claim === null ? undefined : await dagSets.keyOf(covered.claim.dags, covered.claim.wake);
    } catch (error) {
      // Told, not thrown: a worker would record its batch one outcome at a time, and the metric
      // would not say why (a role without rights on the lists' tables, say: docs/deploy.md).
      // The reason is a metric's label: the error's SQLSTATE, not its text.
      return { declined: `${NOT_REGISTERED} (SQLSTATE ${sqlState(error)})` };
    }
    const call = stepArgument(covered, channel, dagSet);
    let reply: StepReply;
    try {
      const { rows } = await sql<{ step: StepReply }>`select ${sql.raw(STEP_FUNCTION_NAME)}(${JSON.stringify(call)}::jsonb) as step`.execute(db);
      reply = (rows[0] as { step: StepReply }).step;
    } catch (error) {
      // Data the function's argument cannot carry (jsonb refuses a lone surrogate's escape, or a
      // value past its limits), which the statements' path stores as it always has.
      if (isDataError(error)) return { declined: `data the function could not take (SQLSTATE ${sqlState(error)})` };
      throw error;
    }
    if ("fallback" in reply) {
      const reason = reply.reason.replace(/^tributary_step: /, "");
      if (reason === UNKNOWN_DAG_SET && dagSet !== undefined) dagSets.forget(dagSet);
      return { declined: reason };
    }
    const results = reply.results.map(({ run_state, queued }) => successResult(run_state, queued));
    // A claim was made or left only when there was one to make.
    const claimed = claim === undefined ? [] : reply.claimed.map(claimedTask(claim));
    return { results, claimed, ...(reply.claim_skipped ? { claimSkipped: true as const } : {}) };
  };
}

/**
 * The function's argument: the step's call, with the claim's lists of DAGs named by the key they
 * were registered under, and the channel on which workers are woken.
 */
export function stepArgument(call: StepCall, channel: string, dagSet: string | undefined): StepArgument {
  const { outcomes, open, endedOtherwise, logs, claim } = call;
  if (claim !== null && dagSet === undefined) throw new Error("a step's claim needs the key of its lists of DAGs");
  return {
    outcomes,
    open,
    endedOtherwise,
    logs,
    channel,
    claim: claim === null || dagSet === undefined ? null : { worker: claim.worker, limit: claim.limit, now: claim.now, queues: claim.queues, dagSet },
  };
}

/** The reason a step is recorded through the statements when its lists of DAGs could not be registered. */
export const NOT_REGISTERED = "the lists of DAGs could not be registered";

function sqlState(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : "none";
}

/** What `tributary_step_5` takes. */
export interface StepArgument extends Omit<StepCall, "claim"> {
  readonly channel: string;
  readonly claim: (Omit<NonNullable<StepCall["claim"]>, "dags" | "wake"> & { readonly dagSet: string }) | null;
}

/**
 * Creates this release's version of the step function (step-function-sql.ts) when the store's
 * schema lacks it; the store runs it after its migrations. A version is never replaced or dropped:
 * a new body takes a new name, so processes of two releases side by side each call their own.
 * Looked for first without a lock (every start and CLI command migrates); created under a
 * transaction-scoped advisory lock per schema, so that stores starting together create it once.
 * Creating it needs `CREATE` on the schema, as a migration does.
 */
export async function createStepFunction(db: Kysely<Database>): Promise<void> {
  const exists = sql<{ present: boolean }>`
    select exists (
      select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = current_schema() and p.proname = ${STEP_FUNCTION_NAME}
    ) as present`;
  if ((await exists.execute(db)).rows[0]?.present === true) return;
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.' || ${STEP_FUNCTION_NAME}))`.execute(tx);
    if ((await exists.execute(tx)).rows[0]?.present === true) return;
    await sql.raw(STEP_FUNCTION_SQL).execute(tx);
  });
}

/** SQLSTATE classes 22 (data exception) and 54 (program limit exceeded). */
function isDataError(error: unknown): boolean {
  const code = sqlState(error);
  return code.startsWith("22") || code.startsWith("54");
}

type StepReply =
  | { readonly fallback: true; readonly reason: string }
  | {
      readonly results: readonly { readonly run_state: CompleteTryResult["runState"]; readonly queued: number }[];
      readonly claimed: readonly ClaimedEntry[];
      readonly claim_skipped: boolean;
    };
