import { inArray } from 'drizzle-orm';
import type { Executor } from '../../admin/admin-context.ts';
import type { Db } from '../../db/database.ts';
import { rooms, ssoSettings } from '../../db/schema/index.ts';

export type SsoSettingsRow = typeof ssoSettings.$inferSelect;
export type SsoSettingsChange = Omit<typeof ssoSettings.$inferInsert, 'id'>;

/** The one settings row, or undefined before an admin first saved it (everything off). */
export async function loadSsoSettings(db: Pick<Db, 'select'>): Promise<SsoSettingsRow | undefined> {
  const [row] = await db.select().from(ssoSettings).limit(1);
  return row;
}

export async function saveSsoSettings(tx: Executor, change: SsoSettingsChange): Promise<SsoSettingsRow> {
  const [row] = await tx
    .insert(ssoSettings)
    .values({ id: 'default', ...change })
    .onConflictDoUpdate({ target: ssoSettings.id, set: change })
    .returning();
  if (row === undefined) throw new Error('upsert into sso_settings returned no row');
  return row;
}

/** Which of these room ids exist (a mapping may only name real rooms). */
export async function existingRoomIds(db: Pick<Db, 'select'>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = await db
    .select({ id: rooms.id })
    .from(rooms)
    .where(inArray(rooms.id, [...ids]));
  return new Set(found.map((row) => row.id));
}
