import { useEffect, type JSX } from 'react';
import { NotAllowed, NotFound } from '../../components/not-allowed.tsx';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { adminSectionsFor, resolveAdminPath, type AdminSection } from './admin-sections.ts';
import { EnrolmentTokensPage } from './enrolment-tokens-page.tsx';
import { NotificationsPage } from './notifications-page.tsx';
import { PoliciesPage } from './policies-page.tsx';
import { PupilsDirectoryPage } from '../pupils/pupils-directory-page.tsx';
import { RetentionPage } from './retention-page.tsx';
import { RoomsDevicesPage } from './rooms-devices-page.tsx';
import { SsoPage } from './sso-page.tsx';
import { UsersPage } from './users-page.tsx';
import { WordlistsPage } from './wordlists-page.tsx';
import '../pages.css';

const PAGES: Readonly<Record<AdminSection, () => JSX.Element>> = {
  rooms: RoomsDevicesPage,
  tokens: EnrolmentTokensPage,
  policies: PoliciesPage,
  wordlists: WordlistsPage,
  users: UsersPage,
  retention: RetentionPage,
  sso: SsoPage,
  notifications: NotificationsPage,
  pupils: PupilsDirectoryPage,
};

/** /admin and its sub-pages; sections a role cannot use are neither listed nor opened. */
export function AdminRoutes(props: { path: string }): JSX.Element {
  const { me } = useSession();
  const role = me.user.role;
  const result = resolveAdminPath(props.path, role);
  const redirect = result.kind === 'redirect' ? result.to : undefined;

  useEffect(() => {
    if (redirect !== undefined) navigate(redirect, { replace: true });
  }, [redirect]);

  if (result.kind === 'forbidden' && adminSectionsFor(role).length === 0) return <NotAllowed home="/" />;
  if (result.kind === 'not-found') return <NotFound home="/admin" />;

  const sections = adminSectionsFor(role);
  const Page = result.kind === 'section' ? PAGES[result.info.section] : undefined;
  return (
    <div className="admin-layout">
      <nav className="admin-nav" aria-label="Administration">
        <ul>
          {sections.map((info) => (
            <li key={info.section}>
              <Link
                to={info.path}
                aria-current={result.kind === 'section' && result.info.section === info.section ? 'page' : undefined}
                data-testid={`admin-nav-${info.section}`}
              >
                {info.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="admin-content">
        {Page !== undefined && <Page />}
        {result.kind === 'forbidden' && (
          <section className="page" aria-labelledby="admin-forbidden-heading">
            <h1 id="admin-forbidden-heading">Not available to your role</h1>
            <p>Only administrators can open this page. If you need it for your work, ask your Vigil administrator.</p>
          </section>
        )}
      </div>
    </div>
  );
}
