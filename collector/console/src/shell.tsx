import { useEffect, useRef, type JSX, type ReactNode } from 'react';
import type { MeResponse } from '@vigil/shared/console';
import { useAlertFeed } from './alert-feed/alert-feed.tsx';
import { DesktopAlertsToggle, UnreadBadge } from './alert-feed/unread-badge.tsx';
import { GettingStarted } from './components/getting-started.tsx';
import { showsGettingStarted } from './components/getting-started-steps.ts';
import { homePathFor, navItemsFor, sectionOf } from './navigation.ts';
import { Link } from './router.tsx';

const roleNames: Readonly<Record<MeResponse['user']['role'], string>> = {
  teacher: 'Teacher',
  technician: 'IT technician',
  dsl: 'Safeguarding lead',
  admin: 'Administrator',
  viewer: 'Viewer',
};

/** The frame of every signed-in page: skip link, navigation by role, the user, and the monitoring notice. */
export function Shell(props: { readonly me: MeResponse; readonly path: string; readonly onSignOut: () => void; readonly children: ReactNode }): JSX.Element {
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(props.path);
  const current = sectionOf(props.path);
  const feed = useAlertFeed();

  // After an in-app navigation, start keyboard and screen-reader users at the new page
  // (a full page load would; a history-API change does not).
  useEffect(() => {
    if (props.path === firstPath.current) return;
    firstPath.current = props.path;
    main.current?.focus({ preventScroll: false });
  }, [props.path]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand" aria-label="Vigil, start page">
            <span className="brand-mark" aria-hidden="true" />
            Vigil
          </Link>
          <nav aria-label="Main" className="mainnav">
            <ul>
              {navItemsFor(props.me.user.role).map((item) => (
                <li key={item.section}>
                  <Link to={item.path} aria-current={current === item.section ? 'page' : undefined}>
                    {item.label}
                    {item.section === 'triage' && <UnreadBadge open={feed.open} />}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="user-box">
            <span className="user-name" data-testid="user-name">
              {props.me.user.displayName}
              <span className="user-role">{roleNames[props.me.user.role]}</span>
            </span>
            <DesktopAlertsToggle desktop={feed.desktop} active={feed.open !== null} />
            <button type="button" className="button button-on-dark" onClick={props.onSignOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="main">
        {/* The first-run checklist, on the start page only (it goes once every step is done). */}
        {showsGettingStarted(props.me.user.role) && props.path === homePathFor(props.me.user.role) && <GettingStarted userId={props.me.user.id} />}
        {props.children}
      </main>
      <footer className="footer">
        <p>This system monitors pupils&apos; computers; every look at a capture is recorded.</p>
      </footer>
    </div>
  );
}
