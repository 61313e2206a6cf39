import type { SecuritySettings } from '@vigil/shared/console';
import type { AdminContext } from '../admin/admin-context.ts';
import { auditChange } from '../admin/admin-context.ts';
import type { Db } from '../db/database.ts';
import type { UserRole } from '../db/schema/index.ts';
import { totpRoles } from './request-user.ts';
import { readSecuritySettings, saveSecuritySettings } from './security-settings.repository.ts';

/**
 * Whether a role must sign in with TOTP under the school's settings: technicians, DSLs
 * and admins always; teachers (who see live screens) when `requireTotpForTeachers` is
 * on. OIDC sign-in uses this too (an IdP that enforces MFA is that module's concern).
 */
export function roleRequiresTotp(role: UserRole, settings: SecuritySettings): boolean {
  return totpRoles.includes(role) || (role === 'teacher' && settings.requireTotpForTeachers);
}

/**
 * `roleRequiresTotp` for a user, reading the settings only when they can change the
 * answer: anyone who enrolled needs TOTP anyway, and only teachers depend on a setting.
 * Called on every session check, so the common cases cost no query.
 */
export async function totpRequiredFor(db: Db, role: UserRole, totpEnrolled: boolean): Promise<boolean> {
  if (totpEnrolled || totpRoles.includes(role)) return true;
  if (role !== 'teacher') return false;
  return roleRequiresTotp(role, await readSecuritySettings(db));
}

/**
 * Saves the settings with a `settings.security` audit entry naming what changed (none: no
 * write, no entry). Turning TOTP on for teachers restricts their password-only sessions
 * at the next request (session-auth.ts re-evaluates): they must enrol before anything else.
 */
export async function updateSecuritySettings(context: AdminContext, next: SecuritySettings): Promise<SecuritySettings> {
  return context.db.transaction(async (tx) => {
    const before = await readSecuritySettings(tx);
    const changes = Object.fromEntries(
      (Object.keys(next) as Array<keyof SecuritySettings>).filter((key) => before[key] !== next[key]).map((key) => [key, { from: before[key], to: next[key] }]),
    );
    if (Object.keys(changes).length === 0) return before;
    await saveSecuritySettings(tx, next, context.user.id, context.now);
    await auditChange(tx, context, { action: 'settings.security', targetType: 'settings', targetId: 'security', detail: { changes } });
    return next;
  });
}
