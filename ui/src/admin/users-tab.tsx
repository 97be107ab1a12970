/** Users: their roles (changed in place), a new password, deletion; a form for a new user. */
import { useState } from "react";
import { get, patch, post, seg } from "../api/client";
import type { UserList } from "../api/admin-types";
import type { Role } from "../api/types";
import { useResource } from "../api/use-resource";
import { useSession } from "../auth";
import { Dialog } from "../components/dialog";
import { ActionStatus, useAction } from "../components/use-action";
import { relativeTime } from "../format";
import { useTimes } from "../time/use-times";
import { AdminForm, Field, SelectField } from "./admin-form";
import { AdminList } from "./admin-list";
import { DeleteDialog } from "./delete-dialog";

const ROLES: readonly Role[] = ["viewer", "operator", "admin"];
const ROLE_HINT = "Viewers read everything; operators also trigger, clear, pause and acknowledge; admins also manage users, tokens, pools and secrets.";

export function UsersTab() {
  const times = useTimes();
  const { me } = useSession();
  const users = useResource((signal) => get<UserList>("users", undefined, signal), []);
  const rowAction = useAction();
  const [deleting, setDeleting] = useState<string | undefined>();
  const [newPasswordFor, setNewPasswordFor] = useState<string | undefined>();
  const list = users.data?.users ?? [];

  const changeRole = (username: string, role: Role) =>
    void rowAction.run(async () => {
      await patch(`users/${seg(username)}`, { role });
      users.reload();
      return `${username} is now ${role}.`;
    });

  return (
    <div className="admin-tab">
      <NewUserForm onCreated={users.reload} />
      <AdminList
        id="users-title"
        title="Users"
        count={list.length}
        hint={`${ROLE_HINT} There is always an admin: the last one cannot be demoted or deleted.`}
        status={<ActionStatus action={rowAction} />}
        resource={users}
        isEmpty={list.length === 0}
        empty={null}
        columns={["User", "Role", "Created", "Password changed"]}
        withActions
      >
        {list.map((u) => (
          <tr key={u.username} data-user={u.username}>
            <td>
              <strong>{u.username}</strong>
              {u.username === me.username ? <span className="muted small"> (you)</span> : null}
              {u.mustChangePassword ? <div className="muted small">one-time password, not changed yet</div> : null}
            </td>
            <td>
              <select aria-label={`Role of ${u.username}`} value={u.role} disabled={rowAction.busy} onChange={(e) => changeRole(u.username, e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </td>
            <td title={times.dateTimeSeconds(u.createdAt)}>{relativeTime(u.createdAt)}</td>
            <td title={times.dateTimeSeconds(u.passwordChangedAt)}>{u.passwordChangedAt ? relativeTime(u.passwordChangedAt) : "–"}</td>
            <td>
              <div className="row-actions">
                <button type="button" className="btn btn-small" onClick={() => setNewPasswordFor(u.username)}>
                  New password…
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  disabled={u.username === me.username}
                  title={u.username === me.username ? "Another admin can delete your account" : undefined}
                  onClick={() => setDeleting(u.username)}
                >
                  Delete
                </button>
              </div>
            </td>
          </tr>
        ))}
      </AdminList>
      {deleting ? (
        <DeleteDialog title={`Delete user ${deleting}?`} confirmLabel="Delete user" path={`users/${seg(deleting)}`} onDeleted={users.reload} onClose={() => setDeleting(undefined)}>
          Their API tokens are revoked and their sessions end at once. The audit log keeps what they did.
        </DeleteDialog>
      ) : null}
      {newPasswordFor ? <NewPasswordDialog username={newPasswordFor} onClose={() => setNewPasswordFor(undefined)} onChanged={users.reload} /> : null}
    </div>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const action = useAction();
  const submit = async () => {
    const ok = await action.run(async () => {
      await post("users", { username, role, password });
      return `Created ${username} (${role}). They log in with the password you chose.`;
    });
    // The password leaves the page either way once sent; the name stays to fix a refused one.
    setPassword("");
    if (ok) {
      setUsername("");
      onCreated();
    }
  };
  return (
    <AdminForm label="New user" title="New user" action={action} onSubmit={() => void submit()}>
      <Field label="User name" value={username} onChange={setUsername} required invalid={action.error?.field === "username"} />
      <SelectField label="Role" value={role} options={ROLES} onChange={(r) => setRole(r as Role)} />
      <Field label="Password" type="password" autoComplete="new-password" value={password} onChange={setPassword} required invalid={action.error?.field === "password"} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        Create user
      </button>
    </AdminForm>
  );
}

function NewPasswordDialog({ username, onClose, onChanged }: { username: string; onClose: () => void; onChanged: () => void }) {
  const [password, setPassword] = useState("");
  const action = useAction();
  const submit = async () => {
    const ok = await action.run(async () => {
      await patch(`users/${seg(username)}`, { password });
      return undefined;
    });
    setPassword("");
    if (ok) {
      onChanged();
      onClose();
    }
  };
  return (
    <Dialog title={`New password for ${username}`} onClose={onClose}>
      <form
        className="dialog-body"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Field label="New password" type="password" autoComplete="new-password" value={password} onChange={setPassword} required invalid={action.error !== undefined} />
        <p className="hint">Their sessions end at once; their API tokens keep working.</p>
        <ActionStatus action={action} />
        <footer className="dialog-footer">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            Set password
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
