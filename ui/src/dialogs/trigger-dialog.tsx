/** Trigger a manual run: params from the DAG's schema, an optional logical date, the server's verdict. */
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage, post, seg } from "../api/client";
import type { DagDetail, DagRun } from "../api/types";
import { Dialog } from "../components/dialog";
import { initialValues, isFieldError, paramsFrom, SchemaForm, type FormValues } from "./schema-form";

export function TriggerDialog({ dag, onClose, onTriggered }: { dag: DagDetail; onClose: () => void; onTriggered: (runId: string) => void }) {
  const [values, setValues] = useState<FormValues>(() => initialValues(dag.params));
  const [logicalDate, setLogicalDate] = useState("");
  const [error, setError] = useState<{ field?: string; message: string } | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { params, error: formError } = paramsFrom(dag.params, values);
    if (formError) {
      setError(formError);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const run = await post<DagRun>(`dags/${seg(dag.dagId)}/runs`, { params, ...(logicalDate ? { logicalDate } : {}) });
      onTriggered(run.runId);
    } catch (e) {
      setError({ field: e instanceof ApiError ? e.field : undefined, message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const fieldNames = Object.keys(dag.params?.properties ?? {});
  const unplaced = error && !fieldNames.some((n) => isFieldError(error, n, "params"));
  return (
    <Dialog title={`Trigger ${dag.dagId}`} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} className="dialog-body" noValidate>
        <SchemaForm schema={dag.params} values={values} error={error} onChange={setValues} />
        <div className="field">
          <label htmlFor="trigger-logical-date">Logical date (optional)</label>
          <input id="trigger-logical-date" type="date" value={logicalDate} onChange={(e) => setLogicalDate(e.target.value)} aria-describedby="trigger-logical-date-hint" />
          <p className="hint" id="trigger-logical-date-hint">
            Empty: now. A date runs the DAG for that day ({dag.timezone ?? "UTC"}).
          </p>
        </div>
        {unplaced ? (
          <p className="field-error" role="alert">
            {error.message}
          </p>
        ) : null}
        <footer className="dialog-footer">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? "Triggering…" : "Trigger run"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
