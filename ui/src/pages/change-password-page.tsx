/** A one-time password must be replaced before anything else: the server refuses other calls until then. */
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage, post } from "../api/client";
import type { Me, PasswordChanged } from "../api/types";

export function ChangePasswordPage({ me, onChanged }: { me: Me; onChanged: (csrfToken: string | null) => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [error, setError] = useState<{ message: string; field?: string } | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await post<PasswordChanged>("auth/password", { currentPassword: current, newPassword: next });
      onChanged(answer.csrfToken);
    } catch (e) {
      setError({ message: errorMessage(e), field: e instanceof ApiError ? e.field : undefined });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="pw-title">
        <h1 id="pw-title">Choose a new password</h1>
        <p className="muted">
          {me.username}, you logged in with a one-time password. Choose your own to continue.
        </p>
        <label>
          Current (one-time) password
          <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} aria-invalid={error?.field === "currentPassword"} />
        </label>
        <label>
          New password
          <input type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} aria-invalid={error?.field === "newPassword"} />
        </label>
        {error ? (
          <p className="field-error" role="alert">
            {error.message}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Change password
        </button>
      </form>
    </main>
  );
}
