import type { UserRole } from '@vigil/shared/console';

// The administration sub-pages and who may use them (DESIGN.md "Security model"):
// technician, dsl and admin look after rooms, devices, enrolment, policies and word
// lists; only admin manages users and retention. The server enforces the same rules;
// this only hides what a role cannot use.

export type AdminSection = 'rooms' | 'tokens' | 'policies' | 'wordlists' | 'users' | 'retention' | 'sso' | 'notifications' | 'pupils';

export interface AdminSectionInfo {
  readonly section: AdminSection;
  readonly label: string;
  readonly path: string;
  readonly roles: readonly UserRole[];
}

const staffIt: readonly UserRole[] = ['technician', 'dsl', 'admin'];
const adminOnly: readonly UserRole[] = ['admin'];

export const ADMIN_SECTIONS: readonly AdminSectionInfo[] = [
  { section: 'rooms', label: 'Rooms & devices', path: '/admin/rooms', roles: staffIt },
  { section: 'tokens', label: 'Enrolment tokens', path: '/admin/enrolment', roles: staffIt },
  { section: 'policies', label: 'Policies', path: '/admin/policies', roles: staffIt },
  { section: 'wordlists', label: 'Word lists', path: '/admin/wordlists', roles: staffIt },
  // Everyone who triages sets their own e-mail rule; the school's channels are the admin's.
  { section: 'notifications', label: 'Notifications', path: '/admin/notifications', roles: staffIt },
  // IT imports the pupil directory; the DSL looks children up in it.
  { section: 'pupils', label: 'Pupils', path: '/admin/pupils', roles: staffIt },
  { section: 'users', label: 'Users', path: '/admin/users', roles: adminOnly },
  { section: 'retention', label: 'Retention', path: '/admin/retention', roles: adminOnly },
  { section: 'sso', label: 'School sign-in (SSO)', path: '/admin/sso', roles: adminOnly },
];

export function adminSectionsFor(role: UserRole): readonly AdminSectionInfo[] {
  return ADMIN_SECTIONS.filter((info) => info.roles.includes(role));
}

export type AdminRouteResult =
  | { readonly kind: 'section'; readonly info: AdminSectionInfo }
  /** `/admin` itself: go to the first section this role has. */
  | { readonly kind: 'redirect'; readonly to: string }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'not-found' };

/** Which admin page a path means for this role. */
export function resolveAdminPath(path: string, role: UserRole): AdminRouteResult {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const allowed = adminSectionsFor(role);
  if (trimmed === '/admin') {
    const first = allowed[0];
    return first === undefined ? { kind: 'forbidden' } : { kind: 'redirect', to: first.path };
  }
  const info = ADMIN_SECTIONS.find((section) => section.path === trimmed);
  if (info === undefined) return { kind: 'not-found' };
  return info.roles.includes(role) ? { kind: 'section', info } : { kind: 'forbidden' };
}
