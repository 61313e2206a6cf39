import { useState, type FormEvent, type JSX } from 'react';
import type { MeResponse } from '@vigil/shared/console';
import { api, describeError } from '../../api/client.ts';
import { ErrorBanner } from '../../components/error-banner.tsx';
import { Loading } from '../../components/loading.tsx';
import { useApiData } from '../../api/use-api.ts';
import { groupSecret } from './auth-forms.ts';
import { TotpQrCode } from './totp-qr-code.tsx';

export interface TotpEnrolmentPageProps {
  readonly me: MeResponse;
  /** The fresh, unrestricted session after the code is confirmed. */
  readonly onEnrolled: (me: MeResponse) => void;
  readonly onSignOut: () => void;
}

interface TotpSecret {
  readonly secret: string;
  readonly uri: string;
}

/**
 * The restricted session's only page: staff roles must set up two-factor sign-in before
 * anything else. The secret is shown as a QR code to scan, and as text (typed into the
 * authenticator app or opened as an otpauth: link on the phone); the first code confirms it.
 */
export function TotpEnrolmentPage(props: TotpEnrolmentPageProps): JSX.Element {
  // POST /totp/enrol replaces any unconfirmed secret, so a reload simply starts again.
  const enrolment = useApiData(() => api.post<TotpSecret>('/api/auth/totp/enrol'), []);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      props.onEnrolled(await api.post<MeResponse>('/api/auth/totp/confirm', { code: code.replace(/\s+/g, '') }));
    } catch (error) {
      setProblem(describeError(error));
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-page">
      <main id="main" className="auth-card auth-card-wide" tabIndex={-1}>
        <p className="brand-large" aria-hidden="true">
          Vigil
        </p>
        <h1>Set up two-factor sign-in</h1>
        <p>
          Hello {props.me.user.displayName}. Your role ({props.me.user.role}) can see safeguarding information, so every sign-in needs a code from an
          authenticator app (for example Microsoft Authenticator, Google Authenticator or any TOTP app) as well as your password.
        </p>
        {enrolment.loading && enrolment.data === undefined && <Loading label="Preparing your secret…" />}
        {enrolment.error !== undefined && <ErrorBanner error={enrolment.error} onRetry={enrolment.reload} />}
        {enrolment.data !== undefined && (
          <>
            <ol className="steps">
              <li>
                In your authenticator app, add an account and scan this QR code:
                <TotpQrCode uri={enrolment.data.uri} />
                Or choose to enter a setup key, and type this key (time-based, 6 digits):
                <p className="secret" data-testid="totp-secret">
                  {groupSecret(enrolment.data.secret)}
                </p>
                <details>
                  <summary>Show the full otpauth link</summary>
                  <p className="secret-uri" data-testid="totp-uri">
                    {enrolment.data.uri}
                  </p>
                  <p className="field-help">
                    On a phone that has this page open, the link opens the authenticator app directly:{' '}
                    <a href={enrolment.data.uri.startsWith('otpauth://') ? enrolment.data.uri : '#'}>add to authenticator</a>.
                  </p>
                </details>
              </li>
              <li>Enter the 6-digit code the app now shows.</li>
            </ol>
            {problem !== undefined && (
              <p className="banner banner-error" role="alert">
                {problem}
              </p>
            )}
            <form onSubmit={(event) => void confirm(event)} className="inline-form">
              <div className="field">
                <label htmlFor="totp-code">Authenticator code</label>
                <input
                  id="totp-code"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  pattern="[0-9 ]{6,8}"
                  maxLength={8}
                  required
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                />
              </div>
              <button type="submit" className="button button-primary" disabled={busy}>
                {busy ? 'Checking…' : 'Confirm code'}
              </button>
            </form>
          </>
        )}
        <p>
          <button type="button" className="button button-quiet" onClick={props.onSignOut}>
            Sign out
          </button>
        </p>
      </main>
    </div>
  );
}
