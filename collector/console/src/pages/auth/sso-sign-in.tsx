import { useEffect, useId, useState, type FormEvent, type JSX } from 'react';
import type { MeResponse, SsoSignInInfo } from '@vigil/shared/console';
import { api, ApiFailure, describeError } from '../../api/client.ts';
import { ssoStartHref } from './sso-messages.ts';

// The school sign-in parts of the sign-in page: the "Sign in with …" link and the TOTP
// step after the provider (`/signin?sso=totp`, with the collector's pending-sign-in cookie).

/** GET /api/auth/oidc; undefined while loading or when the collector cannot say (password only then). */
export function useSsoSignInInfo(): SsoSignInInfo | undefined {
  const [info, setInfo] = useState<SsoSignInInfo | undefined>();
  useEffect(() => {
    let live = true;
    api.get<SsoSignInInfo>('/api/auth/oidc').then(
      (answer) => live && setInfo(answer),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return info;
}

/** A plain link: the browser leaves for the provider and comes back to the collector's callback. */
export function SsoButton(props: { readonly providerName: string; readonly next: string | undefined }): JSX.Element {
  return (
    <a className="button button-primary button-wide" href={ssoStartHref(props.next)} data-testid="sso-sign-in">
      Sign in with {props.providerName}
    </a>
  );
}

function totpProblem(error: unknown): string {
  if (!(error instanceof ApiFailure)) return describeError(error);
  switch (error.code) {
    case 'totp-invalid':
      return 'That code is wrong or was already used. Wait for the next code in your authenticator app and try again.';
    case 'sso-state-invalid':
      return 'This sign-in has expired. Start again with your school account.';
    case 'account-locked':
      return 'This account is locked after too many failed sign-ins. Try again later, or ask an administrator to unlock it.';
    default:
      return describeError(error);
  }
}

export function SsoTotpStep(props: { readonly onSignedIn: (me: MeResponse) => void; readonly startAgainHref: string }): JSX.Element {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const problemId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      props.onSignedIn(await api.post<MeResponse>('/api/auth/oidc/totp', { code: code.replace(/\s+/g, '') }));
    } catch (error) {
      setProblem(totpProblem(error));
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} data-testid="sso-totp-form">
      {problem !== undefined && (
        <p className="banner banner-error" role="alert" id={problemId}>
          {problem}
        </p>
      )}
      <p id="sso-code-help">Your school account is confirmed. Enter the 6-digit code from your authenticator app to finish signing in to Vigil.</p>
      <div className="field">
        <label htmlFor="sso-code">Authenticator code</label>
        <input
          id="sso-code"
          name="totp"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]{6,8}"
          maxLength={8}
          required
          autoFocus
          value={code}
          onChange={(e) => setCode(e.target.value)}
          aria-invalid={problem !== undefined}
          aria-describedby={problem === undefined ? 'sso-code-help' : `${problemId} sso-code-help`}
        />
      </div>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Checking…' : 'Verify code'}
        </button>
        <a className="button button-secondary" href={props.startAgainHref}>
          Start again
        </a>
      </div>
    </form>
  );
}
