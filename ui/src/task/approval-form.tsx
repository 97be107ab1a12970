/**
 * The answer to one human approval (docs/approvals.md): what is asked, who may answer, since when
 * and until when, the form generated from the approval's JSON Schema, a comment, Approve and
 * Reject. The browser checks what the schema states plainly; the server's 422 lands on the field
 * it names. Someone who may not answer sees the form disabled, with who may.
 */
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage, post, seg } from "../api/client";
import type { ApprovalPolicy, JsonSchema, TaskInstance, WaitingApproval } from "../api/types";
import { initialValues, isFieldError, paramsFrom, SchemaForm, type FormValues } from "../dialogs/schema-form";
import { instanceName, relativeTime } from "../format";
import { useNow } from "../time/use-now";
import { useTimes } from "../time/use-times";

type Decision = "approve" | "reject";

interface Props {
  readonly approval: WaitingApproval;
  /** After the server accepted the answer: the task instance as it is now. */
  onAnswered(instance: TaskInstance, decision: Decision): void;
  /** After a 409: the approval no longer waits (answered elsewhere, timed out, marked). */
  onGone?(): void;
}

/** "the operator role or above", "alice or bob". */
export function describeApprovers(approvers: ApprovalPolicy["approvers"]): string {
  if ("role" in approvers) return approvers.role === "admin" ? "admins" : `the ${approvers.role} role or above`;
  const names = approvers.users;
  return names.length === 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names.at(-1) ?? ""}`;
}

/**
 * A field's error as shown under the field: the server's message names the DAG, the task and the
 * field before what is wrong ("…: ticket: a change ticket such as REL-42"); the label says those.
 */
function underField(error: { field?: string; message: string } | undefined): { field?: string; message: string } | undefined {
  if (!error?.field) return error;
  const marker = `${error.field.replace(/^answer\./, "")}: `;
  const at = error.message.lastIndexOf(marker);
  return at < 0 ? error : { field: error.field, message: error.message.slice(at + marker.length) };
}

/** Why an answer was refused, in words for the person who sent it. */
function refusal(error: unknown): { field?: string; message: string } {
  if (error instanceof ApiError && error.status === 403) return { message: `You may not answer this approval: ${error.message}` };
  if (error instanceof ApiError && error.status === 409) return { message: `This approval no longer waits: ${error.message}` };
  return { field: error instanceof ApiError ? error.field : undefined, message: errorMessage(error) };
}

export function ApprovalForm({ approval, onAnswered, onGone }: Props) {
  const policy = approval.policy;
  const schema = (policy?.form ?? null) as JsonSchema | null;
  const [values, setValues] = useState<FormValues>(() => initialValues(schema));
  const [comment, setComment] = useState("");
  const [error, setError] = useState<{ field?: string; message: string } | undefined>();
  const [busy, setBusy] = useState<Decision | undefined>();
  const times = useTimes();
  const now = useNow(true, 30_000);
  const key = `${approval.runId}-${approval.taskId}-${approval.mapIndex ?? ""}`.replace(/[^\w-]/g, "_");
  const idPrefix = `approval-${key}`;
  const name = instanceName(approval.taskId, approval.mapIndex);

  const answer = async (decision: Decision) => {
    const { params, error: formError } = decision === "approve" ? paramsFrom(schema, values) : { params: undefined, error: undefined };
    if (formError) {
      setError(formError);
      return;
    }
    setBusy(decision);
    setError(undefined);
    try {
      const instance = await post<TaskInstance>(`runs/${seg(approval.runId)}/tasks/${seg(approval.taskId)}/approval`, {
        decision,
        ...(params === undefined ? {} : { answer: params }),
        ...(comment.trim() === "" ? {} : { comment: comment.trim() }),
        mapIndex: approval.mapIndex,
      });
      onAnswered(instance, decision);
    } catch (e) {
      setError(refusal(e));
      if (e instanceof ApiError && e.status === 409) onGone?.();
    } finally {
      setBusy(undefined);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void answer("approve");
  };

  const fieldNames = Object.keys(schema?.properties ?? {});
  const unplaced = error && !fieldNames.some((n) => isFieldError(error, n, "answer"));
  const disabled = !approval.canAnswer || policy === null;
  return (
    <form className="approval-form" data-testid="approval" data-run={approval.runId} data-task={approval.taskId} onSubmit={submit} noValidate aria-label={`Approval ${name}`}>
      {policy?.description ? <p className="approval-question">{policy.description}</p> : null}
      <dl className="approval-facts small">
        <dt>Answered by</dt>
        <dd>{policy ? describeApprovers(policy.approvers) : "–"}</dd>
        <dt>Requested</dt>
        <dd title={times.dateTimeSeconds(approval.requestedAt)}>{relativeTime(approval.requestedAt, now)}</dd>
        <dt>Deadline</dt>
        <dd title={times.dateTimeSeconds(approval.deadline)}>
          {approval.deadline ? `${relativeTime(approval.deadline, now)} · ${times.dateTime(approval.deadline)}` : "–"}
          {policy ? <span className="muted"> · then {timeoutOutcome(policy.onTimeout)}</span> : null}
        </dd>
      </dl>
      {policy === null ? (
        <p className="field-error" role="alert">
          The DAG is not loaded, so its form is unknown: fix or restore the DAG file to answer.
        </p>
      ) : !approval.canAnswer ? (
        <p className="notice" role="status">
          Only {describeApprovers(policy.approvers)} may answer this approval.
        </p>
      ) : null}
      <fieldset className="approval-fields" disabled={disabled || busy !== undefined}>
        <SchemaForm schema={schema} values={values} error={underField(error)} onChange={setValues} idPrefix={idPrefix} errorPrefix="answer" emptyText="The answer has no fields: approve or reject." />
        <div className="field">
          <label htmlFor={`${idPrefix}-comment`}>Comment</label>
          <textarea id={`${idPrefix}-comment`} className="approval-comment" rows={2} maxLength={2_000} value={comment} onChange={(e) => setComment(e.target.value)} aria-describedby={`${idPrefix}-comment-hint`} />
          <p className="hint" id={`${idPrefix}-comment-hint`}>
            Optional; kept in the state history. A rejection's comment becomes the task's error.
          </p>
        </div>
        {unplaced ? (
          <p className="field-error" role="alert">
            {error.message}
          </p>
        ) : null}
        <div className="approval-actions">
          <button type="submit" className="btn btn-primary">
            {busy === "approve" ? "Approving…" : "Approve"}
          </button>
          <button type="button" className="btn btn-danger" onClick={() => void answer("reject")}>
            {busy === "reject" ? "Rejecting…" : "Reject"}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function timeoutOutcome(onTimeout: ApprovalPolicy["onTimeout"]): string {
  if (onTimeout.kind === "fail") return "it fails";
  if (onTimeout.kind === "skip") return "it is skipped";
  return "it succeeds with the default answer";
}
