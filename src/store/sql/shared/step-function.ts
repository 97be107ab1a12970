/**
 * A dialect's way to record a worker's step in one call (postgres/ and sqlite/step-function.ts),
 * as the store sees it: the outcomes recorded (and the claim made, or left to the store), or why
 * the statements' path must record them after all.
 */
import type { ClaimedTask, ClaimRequest, CompleteTryInput, CompleteTryResult } from "../../contract/store.js";

/** What a completion with its claim riding along returns (the store's `completeTries`). */
export interface StepOutcome {
  readonly results: CompleteTryResult[];
  readonly claimed: ClaimedTask[];
  /**
   * The outcomes are recorded but the claim was left (a candidate in a configured pool or woken
   * from a wait, or a due wait to wake): the store claims through the statements.
   */
  readonly claimSkipped?: true;
}

/** Why the statements' path records a step after all (the function's reason, or why it was not called). */
export interface StepDeclined {
  readonly declined: string;
}

/** Records a step in one call, or says why the statements' path must. */
export type StepFunction = (inputs: readonly CompleteTryInput[], claim: ClaimRequest | undefined) => Promise<StepOutcome | StepDeclined>;
