/**
 * API tokens: a new token's value is shown once, right after it is created (the server keeps only
 * its hash and never sends it again); the list shows names, owners and use, and revokes.
 */
import { useState } from "react";
import { get, post } from "../api/client";
import type { ApiToken, ApiTokenList, CreatedToken, UserList } from "../api/admin-types";
import { useResource } from "../api/use-resource";
import { Empty } from "../components/status";
import { useAction } from "../components/use-action";
import { relativeTime } from "../format";
import { useTimes } from "../time/use-times";
import { AdminForm, Field, SelectField } from "./admin-form";
import { AdminList } from "./admin-list";
import { DeleteDialog } from "./delete-dialog";

export function TokensTab() {
  const times = useTimes();
  const tokens = useResource((signal) => get<ApiTokenList>("tokens", undefined, signal), []);
  const users = useResource((signal) => get<UserList>("users", undefined, signal), []);
  // Only in this component's state: gone when dismissed or when the page changes.
  const [created, setCreated] = useState<CreatedToken | undefined>();
  const [revoking, setRevoking] = useState<ApiToken | undefined>();
  const list = tokens.data ? [...tokens.data.tokens].sort((a, b) => b.id - a.id) : [];

  return (
    <div className="admin-tab">
      <NewTokenForm
        usernames={users.data?.users.map((u) => u.username) ?? []}
        onCreated={(token) => {
          setCreated(token);
          tokens.reload();
        }}
      />
      {created ? <NewTokenValue token={created} onDone={() => setCreated(undefined)} /> : null}
      <AdminList
        id="tokens-title"
        title="API tokens"
        count={`${list.filter((t) => !t.revokedAt).length} live`}
        hint={
          <>
            A token acts with its user's role: <code>Authorization: Bearer trb_…</code>. Revoking one refuses it at once, open event streams included.
          </>
        }
        resource={tokens}
        isEmpty={list.length === 0}
        empty={<Empty title="No API tokens">Programs (CI, Prometheus, scripts) call the API with one.</Empty>}
        columns={["Name", "User", "Created", "Last used", "State"]}
        withActions
      >
        {list.map((t) => (
          <tr key={t.id} data-token={t.id} data-token-state={t.revokedAt ? "revoked" : "live"} className={t.revokedAt ? "row-revoked" : undefined}>
            <td>
              <strong>{t.name}</strong> <span className="muted small">#{t.id}</span>
            </td>
            <td>
              {t.username} <span className={`role role-${t.role}`}>{t.role}</span>
            </td>
            <td title={times.dateTimeSeconds(t.createdAt)}>{relativeTime(t.createdAt)}</td>
            <td title={times.dateTimeSeconds(t.lastUsedAt)}>{t.lastUsedAt ? relativeTime(t.lastUsedAt) : "never"}</td>
            <td>{t.revokedAt ? <span title={times.dateTimeSeconds(t.revokedAt)}>revoked {relativeTime(t.revokedAt)}</span> : "live"}</td>
            <td>
              <div className="row-actions">
                {t.revokedAt ? null : (
                  <button type="button" className="btn btn-small btn-danger" onClick={() => setRevoking(t)}>
                    Revoke
                  </button>
                )}
              </div>
            </td>
          </tr>
        ))}
      </AdminList>
      {revoking ? (
        <DeleteDialog title={`Revoke token ${revoking.name}?`} confirmLabel="Revoke token" path={`tokens/${revoking.id}`} onDeleted={tokens.reload} onClose={() => setRevoking(undefined)}>
          Programs using it (as {revoking.username}) are refused from now on. This cannot be undone: create a new token instead.
        </DeleteDialog>
      ) : null}
    </div>
  );
}

function NewTokenForm({ usernames, onCreated }: { usernames: readonly string[]; onCreated: (token: CreatedToken) => void }) {
  const [username, setUsername] = useState("");
  const [name, setName] = useState("");
  const action = useAction();
  const owner = username || usernames[0] || "";
  const submit = () =>
    void action.run(async () => {
      onCreated(await post<CreatedToken>("tokens", { username: owner, name }));
      setName("");
      return undefined;
    });
  return (
    <AdminForm label="New API token" title="New API token" action={action} onSubmit={submit}>
      <SelectField label="User" value={owner} options={usernames} onChange={setUsername} />
      <Field label="Token name" value={name} onChange={setName} required placeholder="e.g. ci-deploy" invalid={action.error?.field === "name"} />
      <button type="submit" className="btn btn-primary" disabled={action.busy || owner === ""}>
        Create token
      </button>
    </AdminForm>
  );
}

function NewTokenValue({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard.writeText(token.token).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="new-token" role="status" data-testid="new-token">
      <p>
        <strong>
          Token {token.name} for {token.username}
        </strong>{" "}
        ({token.role}). Copy it now: it is not shown again.
      </p>
      <div className="new-token-value">
        <code>{token.token}</code>
        <button type="button" className="btn btn-small" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
