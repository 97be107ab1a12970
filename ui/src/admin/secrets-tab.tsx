/**
 * Secrets: names and where each comes from (environment, files, the store), never values. Admins
 * store a secret (encrypted by the server before it reaches the store) and delete stored ones;
 * secrets of the environment and files are changed where they are set. The value typed here is
 * sent once and cleared from the form; no answer of the server carries it back.
 */
import { useState } from "react";
import { api, get, seg } from "../api/client";
import type { SecretsAnswer } from "../api/admin-types";
import { useResource } from "../api/use-resource";
import { Empty } from "../components/status";
import { useAction } from "../components/use-action";
import { relativeTime } from "../format";
import { useTimes } from "../time/use-times";
import { AdminForm, Field } from "./admin-form";
import { AdminList } from "./admin-list";
import { DeleteDialog } from "./delete-dialog";

const SOURCE_HINT: Readonly<Record<string, string>> = {
  environment: "a TRIBUTARY_SECRET_* variable of the server",
  files: "a file in the secrets folder",
  store: "encrypted in the store",
};

export function SecretsTab() {
  const times = useTimes();
  const secrets = useResource((signal) => get<SecretsAnswer>("secrets", undefined, signal), []);
  const [deleting, setDeleting] = useState<string | undefined>();
  const list = secrets.data?.secrets ?? [];
  const store = secrets.data?.store;

  return (
    <div className="admin-tab">
      {store?.writable ? <SecretForm onStored={secrets.reload} /> : null}
      {store && !store.writable ? (
        <p className="notice" role="status">
          Secrets cannot be stored from here: {store.reason}. Set <code>TRIBUTARY_SECRET_KEY</code> for the server (docs/secrets.md).
        </p>
      ) : null}
      <AdminList
        id="secrets-title"
        title="Secrets"
        count={list.length}
        hint="Tasks ask for secrets by name; the first place that holds a name wins: the environment, then files, then the store. Values are never shown. The environment and files listed are the API server's; a worker elsewhere may have others."
        resource={secrets}
        isEmpty={list.length === 0}
        empty={<Empty title="No secrets">None in the environment, the secrets folder or the store.</Empty>}
        columns={["Name", "Source", "Key id", "Updated"]}
        withActions
      >
        {list.map((s) => (
          <tr key={`${s.source}/${s.name}`} data-secret={s.name} data-source={s.source} className={s.overriddenBy ? "row-revoked" : undefined}>
            <td>
              <code>{s.name}</code>
            </td>
            <td>
              <span className="source" title={SOURCE_HINT[s.source]}>
                {s.source}
              </span>
              {s.overriddenBy ? <div className="muted small">not used: {s.overriddenBy} has it first</div> : null}
            </td>
            <td>{s.keyId ? <code>{s.keyId}</code> : <span className="muted">–</span>}</td>
            <td title={times.dateTimeSeconds(s.updatedAt)}>{s.updatedAt ? relativeTime(s.updatedAt) : <span className="muted">–</span>}</td>
            <td>
              <div className="row-actions">
                {s.source === "store" ? (
                  <button type="button" className="btn btn-small btn-danger" onClick={() => setDeleting(s.name)}>
                    Delete
                  </button>
                ) : null}
              </div>
            </td>
          </tr>
        ))}
      </AdminList>
      {deleting ? (
        <DeleteDialog title={`Delete secret ${deleting}?`} confirmLabel="Delete secret" path={`secrets/${seg(deleting)}`} onDeleted={secrets.reload} onClose={() => setDeleting(undefined)}>
          Tasks that ask for it fail from their next try, unless the environment or the secrets folder holds it.
        </DeleteDialog>
      ) : null}
    </div>
  );
}

function SecretForm({ onStored }: { onStored: () => void }) {
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const action = useAction();
  const submit = async () => {
    const ok = await action.run(async () => {
      await api("PUT", `secrets/${seg(name)}`, { body: { value } });
      return `Stored ${name} (encrypted). Its value is not shown again.`;
    });
    // Sent once: the value leaves the page whatever the answer.
    setValue("");
    if (ok) {
      setName("");
      onStored();
    }
  };
  const invalid = (field: string) => action.error?.field === field;
  return (
    <AdminForm
      label="Store a secret"
      title="Store a secret"
      action={action}
      onSubmit={() => void submit()}
      hint="Storing a name again replaces its value. The server encrypts it (AES-256-GCM) before the store sees it."
    >
      <Field label="Name" value={name} onChange={setName} required placeholder="e.g. warehouse_password" invalid={invalid("name")} />
      <Field label="Value" type="password" autoComplete="new-password" value={value} onChange={setValue} required wide invalid={invalid("value")} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        Store secret
      </button>
    </AdminForm>
  );
}
