import { useId, useRef, useState, type FormEvent, type JSX } from 'react';
import type { MeResponse } from '@vigil/shared/console';
import { api } from '../../api/client.ts';
import { useRoute } from '../../router.tsx';
import { signInOutcome } from './sign-in-messages.ts';
import { passwordFormOpen, ssoErrorMessage, ssoStartHref } from './sso-messages.ts';
import { SsoButton, SsoTotpStep, useSsoSignInInfo } from './sso-sign-in.tsx';

export interface SignInPageProps {
  readonly onSignedIn: (me: MeResponse) => void;
  /** Why the user is here, e.g. "Your session has ended". */
  readonly notice?: string | undefined;
}

/**
 * Two steps on one page: user name + password, then (for accounts with two-factor
 * sign-in) the 6-digit authenticator code. The password stays in memory only until the
 * code is accepted or the user starts again.
 */
export function SignInPage(props: SignInPageProps): JSX.Element {
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  const problemId = useId();
  // School sign-in (auth/sso): the button, its error codes, and its TOTP step.
  const route = useRoute();
  const sso = useSsoSignInInfo();
  const [breakGlass, setBreakGlass] = useState(false);
  const next = route.query.get('next') ?? undefined;
  const ssoProblem = ssoErrorMessage(route.query.get('sso_error'));
  const ssoTotp = route.query.get('sso') === 'totp';
  const showPassword = step === 'totp' || passwordFormOpen(sso, breakGlass);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const body = step === 'totp' ? { username, password, totp: code.replace(/\s+/g, '') } : { username, password };
      const me = await api.post<MeResponse>('/api/auth/login', body);
      setPassword('');
      props.onSignedIn(me);
    } catch (error) {
      const outcome = signInOutcome(error, Date.now(), step);
      if (outcome.kind === 'totp-needed') {
        setStep('totp');
        setCode('');
        // The code box appears on the next render; move there so keyboard users follow.
        window.setTimeout(() => codeInput.current?.focus(), 0);
      } else {
        setProblem(outcome.message);
        if (outcome.step === 'password' && step === 'totp') setStep('password');
        if (outcome.step === 'password') setPassword('');
        if (outcome.step === 'totp') setCode('');
      }
    } finally {
      setBusy(false);
    }
  };

  const startAgain = () => {
    setStep('password');
    setPassword('');
    setCode('');
    setProblem(undefined);
  };

  const invalid = problem !== undefined;
  return (
    <div className="auth-page">
      <main id="main" className="auth-card" tabIndex={-1}>
        <p className="brand-large" aria-hidden="true">
          Vigil
        </p>
        <h1>Sign in to Vigil</h1>
        {props.notice !== undefined && problem === undefined && (
          <p className="banner banner-info" role="status">
            {props.notice}
          </p>
        )}
        {problem !== undefined && (
          <p className="banner banner-error" role="alert" id={problemId} data-testid="sign-in-problem">
            {problem}
          </p>
        )}
        {ssoProblem !== undefined && problem === undefined && (
          <p className="banner banner-error" role="alert" data-testid="sso-problem">
            {ssoProblem}
          </p>
        )}
        {ssoTotp && <SsoTotpStep onSignedIn={props.onSignedIn} startAgainHref={ssoStartHref(next)} />}
        {!ssoTotp && sso?.enabled === true && step === 'password' && (
          <>
            <SsoButton providerName={sso.providerName ?? 'your school account'} next={next} />
            {showPassword ? (
              <p className="auth-or">or with your Vigil user name and password</p>
            ) : (
              <button type="button" className="button button-secondary button-wide" onClick={() => setBreakGlass(true)} data-testid="break-glass">
                Administrator sign-in with a password
              </button>
            )}
          </>
        )}
        {!ssoTotp && showPassword && (
          <form onSubmit={(event) => void submit(event)}>
            {step === 'password' ? (
              <>
                <div className="field">
                  <label htmlFor="signin-username">User name</label>
                  <input
                    id="signin-username"
                    name="username"
                    autoComplete="username"
                    required
                    autoFocus
                    value={username}
                    onChange={(e) => setUsername(e.target.value)}
                    aria-invalid={invalid}
                    aria-describedby={invalid ? problemId : undefined}
                  />
                </div>
                <div className="field">
                  <label htmlFor="signin-password">Password</label>
                  <input
                    id="signin-password"
                    name="password"
                    type="password"
                    autoComplete="current-password"
                    required
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                    aria-invalid={invalid}
                    aria-describedby={invalid ? problemId : undefined}
                  />
                </div>
                <button type="submit" className="button button-primary button-wide" disabled={busy}>
                  {busy ? 'Signing in…' : 'Sign in'}
                </button>
              </>
            ) : (
              <>
                <p id="signin-code-help">
                  Password accepted for <strong>{username}</strong>. Enter the 6-digit code from your authenticator app.
                </p>
                <div className="field">
                  <label htmlFor="signin-code">Authenticator code</label>
                  <input
                    id="signin-code"
                    ref={codeInput}
                    name="totp"
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    pattern="[0-9 ]{6,8}"
                    maxLength={8}
                    required
                    value={code}
                    onChange={(e) => setCode(e.target.value)}
                    aria-invalid={invalid}
                    aria-describedby={invalid ? `${problemId} signin-code-help` : 'signin-code-help'}
                  />
                </div>
                <div className="button-row">
                  <button type="submit" className="button button-primary" disabled={busy}>
                    {busy ? 'Checking…' : 'Verify code'}
                  </button>
                  <button type="button" className="button button-secondary" onClick={startAgain}>
                    Start again
                  </button>
                </div>
              </>
            )}
          </form>
        )}
        <p className="auth-notice">This system monitors pupils&apos; computers; every look at a capture is recorded.</p>
      </main>
    </div>
  );
}
