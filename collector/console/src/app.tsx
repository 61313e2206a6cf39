import { useCallback, useEffect, useMemo, useState, type JSX } from 'react';
import type { MeResponse } from '@vigil/shared/console';
import { AlertFeedProvider } from './alert-feed/alert-feed.tsx';
import { api, ApiFailure, onSignedOut, setCsrfToken } from './api/client.ts';
import { ErrorBanner } from './components/error-banner.tsx';
import { Loading } from './components/loading.tsx';
import { NotAllowed, NotFound } from './components/not-allowed.tsx';
import { homePathFor, maySee, safeNextPath, type Section } from './navigation.ts';
import { AdminRoutes } from './pages/admin/index.tsx';
import { AuditPage } from './pages/audit/audit-page.tsx';
import { SetupPage } from './pages/auth/setup-page.tsx';
import { SignInPage } from './pages/auth/sign-in-page.tsx';
import { TotpEnrolmentPage } from './pages/auth/totp-enrolment-page.tsx';
import { LiveRoutes } from './pages/live/index.tsx';
import { mayOpenPupilPage } from './pages/pupils/pupil-format.ts';
import { PupilRoutes } from './pages/pupils/pupil-page.tsx';
import { ReportsPage } from './pages/reports/reports-page.tsx';
import { TriageRoutes } from './pages/triage/index.tsx';
import { navigate, useRoute, withinSection } from './router.tsx';
import { SessionProvider, type Session } from './session.tsx';
import { Shell } from './shell.tsx';

type AuthState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'unreachable'; readonly error: unknown }
  | { readonly kind: 'signed-out'; readonly notice?: string }
  | { readonly kind: 'signed-in'; readonly me: MeResponse };

/** Sends the browser elsewhere (replacing this entry) once rendered. */
function Redirect(props: { readonly to: string }): null {
  useEffect(() => navigate(props.to, { replace: true }), [props.to]);
  return null;
}

/**
 * The console: who is signed in decides what is shown. Signed out: the sign-in page
 * (or first-run set-up); a restricted session: TOTP enrolment only; otherwise the shell
 * with the pages the role may use.
 */
export function App(): JSX.Element | null {
  const route = useRoute();
  const [auth, setAuth] = useState<AuthState>({ kind: 'loading' });

  const signedIn = useCallback((me: MeResponse) => {
    setCsrfToken(me.csrfToken);
    setAuth({ kind: 'signed-in', me });
  }, []);

  const loadMe = useCallback(async () => {
    try {
      signedIn(await api.get<MeResponse>('/api/auth/me'));
    } catch (error) {
      setCsrfToken(undefined);
      setAuth(error instanceof ApiFailure && error.status === 401 ? { kind: 'signed-out' } : { kind: 'unreachable', error });
    }
  }, [signedIn]);

  useEffect(() => {
    void loadMe();
  }, [loadMe]);

  // Any request that finds the session gone (expired, signed out in another tab).
  useEffect(
    () =>
      onSignedOut(() => {
        setCsrfToken(undefined);
        setAuth((previous) =>
          previous.kind === 'signed-in'
            ? { kind: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' }
            : previous.kind === 'loading'
              ? { kind: 'signed-out' }
              : previous,
        );
      }),
    [],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } catch {
      // Signed out already, or the collector is away: the cookie is useless either way.
    }
    setCsrfToken(undefined);
    setAuth({ kind: 'signed-out', notice: 'You have signed out.' });
    navigate('/signin', { replace: true });
  }, []);

  // A page's refresh keeps the page on a passing failure (it throws to the caller); a
  // 401 still ends the session through onSignedOut.
  const refresh = useCallback(async () => signedIn(await api.get<MeResponse>('/api/auth/me')), [signedIn]);

  const session = useMemo<Session | undefined>(() => (auth.kind === 'signed-in' ? { me: auth.me, refresh, signOut } : undefined), [auth, refresh, signOut]);

  if (route.path === '/setup' && auth.kind !== 'signed-in') {
    return <SetupPage token={route.query.get('token')} onSignedIn={signedIn} />;
  }

  switch (auth.kind) {
    case 'loading':
      return (
        <div className="auth-page">
          <Loading label="Starting Vigil…" />
        </div>
      );
    case 'unreachable':
      return (
        <div className="auth-page">
          <main id="main" className="auth-card">
            <h1>Vigil</h1>
            <ErrorBanner error={auth.error} title="The console cannot reach the collector." onRetry={() => void loadMe()} />
          </main>
        </div>
      );
    case 'signed-out': {
      const next = route.path === '/signin' ? safeNextPath(route.query.get('next')) : safeNextPath(route.path + window.location.search);
      if (route.path !== '/signin') return <Redirect to={next === undefined ? '/signin' : `/signin?next=${encodeURIComponent(next)}`} />;
      return (
        <SignInPage
          notice={auth.notice}
          onSignedIn={(me) => {
            signedIn(me);
            navigate(next ?? homePathFor(me.user.role), { replace: true });
          }}
        />
      );
    }
    case 'signed-in':
      break;
  }

  const me = auth.me;
  if (session === undefined) return null;
  if (me.totpEnrolmentRequired) return <TotpEnrolmentPage me={me} onEnrolled={signedIn} onSignOut={() => void signOut()} />;

  const home = homePathFor(me.user.role);
  if (route.path === '/' || route.path === '/signin' || route.path === '/setup') return <Redirect to={home} />;

  const guarded = (section: Section, page: JSX.Element) => (maySee(me.user.role, section) ? page : <NotAllowed home={home} />);
  let page: JSX.Element;
  if (withinSection('/live', route.path)) page = guarded('live', <LiveRoutes path={route.path} home={home} />);
  else if (withinSection('/triage', route.path)) page = guarded('triage', <TriageRoutes path={route.path} />);
  else if (withinSection('/admin', route.path)) page = guarded('admin', <AdminRoutes path={route.path} />);
  else if (withinSection('/pupils', route.path)) page = mayOpenPupilPage(me.user.role) ? <PupilRoutes path={route.path} /> : <NotAllowed home={home} />;
  else if (route.path === '/audit') page = guarded('audit', <AuditPage />);
  else if (route.path === '/reports') page = guarded('reports', <ReportsPage />);
  else page = <NotFound home={home} />;

  return (
    <SessionProvider value={session}>
      <AlertFeedProvider enabled={maySee(me.user.role, 'triage')}>
        <Shell me={me} path={route.path} onSignOut={() => void signOut()}>
          {page}
        </Shell>
      </AlertFeedProvider>
    </SessionProvider>
  );
}
