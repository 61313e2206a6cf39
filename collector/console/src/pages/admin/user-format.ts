import type { UserRole, UserRow } from '@vigil/shared/console';
import type { RetentionClass } from './admin-types.ts';

// Words for the Users and Retention pages.

export const ROLE_OPTIONS: readonly { readonly role: UserRole; readonly label: string; readonly help: string }[] = [
  { role: 'teacher', label: 'Teacher', help: 'Live view, lock and message for their own rooms only' },
  { role: 'technician', label: 'IT technician', help: 'Triage, devices, rooms, policies and word lists; restricted captures stay blurred' },
  { role: 'dsl', label: 'Designated Safeguarding Lead', help: 'All alerts; may reveal blurred captures with a reason' },
  { role: 'admin', label: 'Administrator', help: 'Everything, including users, sites and retention' },
  { role: 'viewer', label: 'Viewer (reports)', help: 'Counts and trends only, no content' },
];

export function roleLabel(role: UserRole): string {
  return ROLE_OPTIONS.find((option) => option.role === role)?.label ?? role;
}

/** "Disabled", "Locked until 14:32" or "Active". */
export function accountState(user: Pick<UserRow, 'disabled' | 'lockedUntil'>, now: number): 'disabled' | 'locked' | 'active' {
  if (user.disabled) return 'disabled';
  if (user.lockedUntil !== null && Date.parse(user.lockedUntil) > now) return 'locked';
  return 'active';
}

/** The contract's minimum; the server checks it too. */
export const MIN_PASSWORD_LENGTH = 12;

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `Use at least ${MIN_PASSWORD_LENGTH} characters (${password.length} so far). A few unrelated words make a strong password.`;
  if (password.length > 1024) return 'Use at most 1024 characters.';
  return undefined;
}

const USERNAME_PATTERN = /^[\p{L}\p{N}._@-]+$/u;

export function usernameProblem(username: string): string | undefined {
  const trimmed = username.trim();
  if (trimmed.length < 2 || trimmed.length > 64) return 'User name: 2 to 64 characters.';
  if (!USERNAME_PATTERN.test(trimmed)) return 'User name: letters, digits and . _ - @ only.';
  return undefined;
}

export const RETENTION_LABELS: Readonly<Record<RetentionClass, { readonly label: string; readonly help: string }>> = {
  activity: { label: 'Activity (programs and window titles)', help: 'The timeline of what ran on each computer.' },
  alerts: { label: 'Alerts', help: 'Flagged terms with their context and history. Alerts under legal hold are kept.' },
  screenshots: { label: 'Screenshots', help: 'Captures taken with alerts.' },
  'false-positives': { label: 'Dismissed false positives', help: 'Alerts dismissed as false positives.' },
  'idle-lock-events': { label: 'Idle lock events', help: 'When screens locked for inactivity.' },
  sessions: { label: 'Console sign-in sessions', help: 'Records of staff sign-ins to this console.' },
  'pupil-leavers': { label: 'Pupils who left', help: 'Pupil directory entries of leavers (missing from a full import), counted from when they left.' },
};
