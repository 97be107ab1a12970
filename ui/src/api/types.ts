/**
 * The shapes the REST API answers with, as the UI reads them: aliases of the types generated from
 * the API's OpenAPI document (openapi.d.ts, `npm run api:types`), so the UI type-checks against
 * what the server really sends. Dates are ISO strings. The few types marked UI-only are not in
 * the API's document.
 */
import type { components } from "./openapi";

type Schemas = components["schemas"];

export type Role = Schemas["Role"];
export type RunState = Schemas["RunState"];
export type RunType = Schemas["RunType"];
export type TaskState = Schemas["TaskState"];

export type Me = Schemas["Me"];
export type LoginAnswer = Schemas["LoginAnswer"];

export type RunSummary = Schemas["RunSummary"];
export type RunNote = Schemas["RunNote"];
/** A run as listed or fetched (with its note), or as an action answered (without one). */
export type DagRun = Schemas["Run"] & Partial<Pick<Schemas["RunWithNote"], "note">>;

/** What POST /runs/bulk does to each run. */
export type BulkRunAction = Schemas["BulkRunAction"];
export type BulkRunResult = Schemas["BulkRunResult"];

export type DagSummary = Schemas["DagSummary"];
export type DagListEntry = Schemas["DagListEntry"];
export type ImportError = Schemas["ImportError"];
export type TaskSpec = Schemas["TaskSpec"];

/** A DAG with its structure; the API sends `params` as any JSON Schema, the UI reads the part below. */
export type DagDetail = Omit<Schemas["DagDetail"], "params"> & { readonly params: JsonSchema | null };

/** UI-only: the part of a JSON Schema the trigger form understands (the API sends any JSON Schema). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly format?: string;
}

export type TaskInstance = Schemas["TaskInstance"];
export type TaskTry = Schemas["TaskTry"];
/** A state change: from a run's history, or a `state` event of the live stream (GET /stream), which adds the run's DAG. */
export type StateChange = Schemas["StateChange"] & { readonly dagId?: string };
export type DatasetEvent = Schemas["TaskDatasetEvent"];
export type TaskInstanceDetail = Schemas["TaskInstanceDetail"];
export type LogLine = Schemas["LogLine"];
export type LogPage = Schemas["LogPage"];

export type ReprocessMode = Schemas["ReprocessMode"];
export type BackfillInterval = Schemas["BackfillInterval"];
export type Backfill = Schemas["Backfill"];

/** One version of a DAG that a run used (GET /dags/:dagId/versions/:version). */
export type DagVersion = Schemas["DagVersion"];
export type DagVersionSummary = Schemas["DagVersionSummary"];

export type DatasetWriter = NonNullable<Schemas["DatasetWriter"]>;
export type Dataset = Schemas["Dataset"];

export type LineageNode = Schemas["LineageNode"];
export type LineageEdge = Schemas["LineageEdge"];
export type LineageNodeKind = LineageNode["kind"];
export type LineageEdgeKind = LineageEdge["kind"];
export type LineageResult = Schemas["LineageResult"];

export type AlertState = Schemas["AlertState"];
export type Alert = Schemas["Alert"];
export type AlertDelivery = Schemas["AlertDelivery"];
export type DeliveryAttempt = Schemas["DeliveryAttempt"];
export type AlertDetail = Schemas["AlertDetail"];

/** A human approval waiting for an answer (GET /approvals), with its policy (who answers, the form). */
export type WaitingApproval = Schemas["WaitingApproval"];
export type ApprovalPolicy = Schemas["ApprovalPolicy"];
export type WaitingApprovalList = Schemas["WaitingApprovalList"];

export type DeadLetter = Schemas["DeadLetter"];
export type SlaMiss = Schemas["SlaMiss"];

// The answers that wrap lists (GET /runs, /dags...) and actions, as the UI asks for them.
export type RunList = Schemas["RunList"];
export type RunHistory = Schemas["RunHistory"];
export type TaskStep = Schemas["TaskStep"];
export type RunStep = Schemas["RunStep"];
export type RunNoteAnswer = Schemas["RunNoteAnswer"];
export type BulkRunAnswer = Schemas["BulkRunAnswer"];
export type DagList = Schemas["DagList"];
export type DagSource = Schemas["DagSource"];
export type TaskInstanceList = Schemas["TaskInstanceList"];
export type BackfillList = Schemas["BackfillList"];
export type BackfillPlan = Schemas["BackfillPlan"];
export type DatasetList = Schemas["DatasetList"];
export type AlertList = Schemas["AlertList"];
export type DeadLetterList = Schemas["DeadLetterList"];
export type SlaMissList = Schemas["SlaMissList"];
export type PasswordChanged = Schemas["PasswordChanged"];
