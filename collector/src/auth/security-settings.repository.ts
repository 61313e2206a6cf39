import { eq } from 'drizzle-orm';
import { defaultSecuritySettings, type SecuritySettings } from '@vigil/shared/console';
import type { Executor } from '../admin/admin-context.ts';
import { securitySettings } from '../db/schema/index.ts';

/** The stored settings, or the defaults while no admin has saved any. */
export async function readSecuritySettings(db: Pick<Executor, 'select'>): Promise<SecuritySettings> {
  const [row] = await db
    .select({ requireTotpForTeachers: securitySettings.requireTotpForTeachers })
    .from(securitySettings)
    .where(eq(securitySettings.id, 'default'));
  return row ?? { ...defaultSecuritySettings };
}

/** Writes the one row (creating it on first save). */
export async function saveSecuritySettings(db: Pick<Executor, 'insert'>, settings: SecuritySettings, updatedBy: string | null, now: Date): Promise<void> {
  await db
    .insert(securitySettings)
    .values({ id: 'default', ...settings, updatedBy, updatedAt: now })
    .onConflictDoUpdate({ target: securitySettings.id, set: { ...settings, updatedBy, updatedAt: now } });
}
