import { createContext, useContext, type JSX, type ReactNode } from 'react';
import type { MeResponse, UserRole } from '@vigil/shared/console';

// The signed-in user, for every page behind sign-in. The shell (app.tsx) loads
// GET /api/auth/me, keeps the CSRF token in the api client, and provides this; pages
// read it with useSession(). Pages shown before sign-in (/signin, /setup) have no session.

export interface Session {
  readonly me: MeResponse;
  /** Reloads GET /api/auth/me (e.g. after the user's own rooms or name changed). */
  refresh(): Promise<void>;
  /** POST /api/auth/logout, then back to the sign-in page. */
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider(props: { readonly value: Session; readonly children: ReactNode }): JSX.Element {
  return <SessionContext.Provider value={props.value}>{props.children}</SessionContext.Provider>;
}

/** The signed-in session; only valid inside SessionProvider (every page behind sign-in). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession() used outside SessionProvider (a page that needs sign-in was rendered without one)');
  return session;
}

/** True when the signed-in user has one of these roles: `hasRole(me, 'dsl', 'admin')`. */
export function hasRole(me: MeResponse | undefined, ...roles: readonly UserRole[]): boolean {
  return me !== undefined && roles.includes(me.user.role);
}
