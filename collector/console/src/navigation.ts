import type { UserRole } from '@vigil/shared/console';

// Which top-level sections each role sees (least privilege: a section a role may not use
// is not shown, and its page says so if reached by a link). The API enforces the same
// rules; this only keeps the console honest about them.

export type Section = 'live' | 'triage' | 'audit' | 'reports' | 'admin';

export interface NavItem {
  readonly section: Section;
  readonly label: string;
  readonly path: string;
}

const items: readonly NavItem[] = [
  { section: 'live', label: 'Live', path: '/live' },
  { section: 'triage', label: 'Triage', path: '/triage' },
  { section: 'audit', label: 'Audit', path: '/audit' },
  { section: 'reports', label: 'Reports', path: '/reports' },
  { section: 'admin', label: 'Admin', path: '/admin' },
];

/** Mirrors the collector's access table (GET /api/rooms, /api/alerts, /api/audit, /api/reports/summary, admin routes). */
const sectionRoles: Readonly<Record<Section, readonly UserRole[]>> = {
  live: ['teacher', 'technician', 'dsl', 'admin'],
  triage: ['technician', 'dsl', 'admin'],
  audit: ['dsl', 'admin'],
  reports: ['viewer', 'technician', 'dsl', 'admin'],
  admin: ['technician', 'dsl', 'admin'],
};

export function maySee(role: UserRole, section: Section): boolean {
  return sectionRoles[section].includes(role);
}

/** The navigation bar for a role, in a fixed order. */
export function navItemsFor(role: UserRole): readonly NavItem[] {
  return items.filter((item) => maySee(role, item.section));
}

/** Where `/` and a fresh sign-in take each role: its daily work. */
export function homePathFor(role: UserRole): string {
  switch (role) {
    case 'teacher':
      return '/live';
    case 'viewer':
      return '/reports';
    case 'technician':
    case 'dsl':
    case 'admin':
      return '/triage';
  }
}

/** The section a path belongs to (`/live/01ABC` → live), for the "current page" mark. */
export function sectionOf(path: string): Section | undefined {
  const first = path.split('/').filter(Boolean)[0];
  return items.find((item) => item.section === first)?.section;
}

/**
 * A same-site path to return to after sign-in (from `?next=`), or undefined. Only plain
 * absolute paths on this origin: never `//evil.example` or a scheme.
 */
export function safeNextPath(next: string | null): string | undefined {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return undefined;
  if (next.startsWith('/signin') || next.startsWith('/setup')) return undefined;
  return next;
}
