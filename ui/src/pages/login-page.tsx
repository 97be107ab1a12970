/** The login form. The server sets the session cookie; the answer carries the CSRF token for writes. */
import { useState, type FormEvent } from "react";
import { errorMessage, post } from "../api/client";
import type { LoginAnswer, Me } from "../api/types";

export function LoginPage({ notice, onLoggedIn }: { notice?: string; onLoggedIn: (me: Me) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await post<LoginAnswer>("auth/login", { username, password });
      onLoggedIn({ ...answer.user, authenticatedWith: "session", csrfToken: answer.csrfToken });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <div className="brand brand-large" aria-hidden="true">
          <Logo /> Tributary
        </div>
        <h1 id="login-title">Log in</h1>
        {notice ? <p className="notice">{notice}</p> : null}
        <label>
          User name
          <input name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
        <p className="muted small">The first admin's one-time password is printed by `tributary start`.</p>
      </form>
    </main>
  );
}

export function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M1 13C5 13 5 3 9 3M9 3h6M5 13c3 0 4-5 10-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}
