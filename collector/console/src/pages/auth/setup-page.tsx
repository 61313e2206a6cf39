import { useState, type FormEvent, type JSX } from 'react';
import type { MeResponse } from '@vigil/shared/console';
import { api, ApiFailure, describeError } from '../../api/client.ts';
import { Link } from '../../router.tsx';
import { minPasswordLength, setupFormProblem } from './auth-forms.ts';

export interface SetupPageProps {
  /** From the link the collector prints on first run: `/setup?token=…`. */
  readonly token: string | null;
  readonly onSignedIn: (me: MeResponse) => void;
}

/**
 * First run: creates the first admin with the one-time link from the collector's log,
 * then signs in with it (the next page asks to set up two-factor sign-in).
 */
export function SetupPage(props: SetupPageProps): JSX.Element {
  const [form, setForm] = useState({ displayName: '', username: '', password: '', repeat: '' });
  const [problem, setProblem] = useState<string | undefined>();
  const [finished, setFinished] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || props.token === null) return;
    const local = setupFormProblem(form);
    if (local !== undefined) {
      setProblem(local);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const username = form.username.trim();
      await api.post('/api/auth/setup', { token: props.token, username, password: form.password, displayName: form.displayName.trim() });
      setFinished(true);
      try {
        props.onSignedIn(await api.post<MeResponse>('/api/auth/login', { username, password: form.password }));
      } catch {
        // The account exists; signing in by hand works as well.
      }
    } catch (error) {
      setProblem(error instanceof ApiFailure && error.code === 'setup-complete' ? 'An admin account already exists. Sign in instead.' : describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-page">
      <main id="main" className="auth-card" tabIndex={-1}>
        <p className="brand-large" aria-hidden="true">
          Vigil
        </p>
        <h1>Set up Vigil</h1>
        {props.token === null ? (
          <p className="banner banner-error" role="alert">
            This page needs the set-up link the collector writes to its log on first start (<code>/setup?token=…</code>). Copy the whole link into the address
            bar.
          </p>
        ) : finished ? (
          <p className="banner banner-success" role="status">
            The admin account is ready. <Link to="/signin">Sign in</Link>
          </p>
        ) : (
          <>
            <p>Create the first administrator account. You will then set up two-factor sign-in with an authenticator app.</p>
            {problem !== undefined && (
              <p className="banner banner-error" role="alert">
                {problem}
              </p>
            )}
            <form onSubmit={(event) => void submit(event)} noValidate>
              <div className="field">
                <label htmlFor="setup-name">Your name</label>
                <input id="setup-name" autoComplete="name" required maxLength={100} value={form.displayName} onChange={set('displayName')} />
              </div>
              <div className="field">
                <label htmlFor="setup-username">User name</label>
                <input
                  id="setup-username"
                  autoComplete="username"
                  required
                  maxLength={64}
                  value={form.username}
                  onChange={set('username')}
                  aria-describedby="setup-username-help"
                />
                <p className="field-help" id="setup-username-help">
                  Letters, digits and . _ - @ only.
                </p>
              </div>
              <div className="field">
                <label htmlFor="setup-password">Password</label>
                <input
                  id="setup-password"
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={minPasswordLength}
                  value={form.password}
                  onChange={set('password')}
                  aria-describedby="setup-password-help"
                />
                <p className="field-help" id="setup-password-help">
                  At least {minPasswordLength} characters. A few unrelated words make a strong one.
                </p>
              </div>
              <div className="field">
                <label htmlFor="setup-repeat">Repeat the password</label>
                <input id="setup-repeat" type="password" autoComplete="new-password" required value={form.repeat} onChange={set('repeat')} />
              </div>
              <button type="submit" className="button button-primary button-wide" disabled={busy}>
                {busy ? 'Creating…' : 'Create admin account'}
              </button>
            </form>
          </>
        )}
      </main>
    </div>
  );
}
