import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { auditLog } from '../db/schema/index.ts';

/** How long one reveal lets its DSL see one alert's capture unblurred. */
export const REVEAL_MINUTES = 30;

export const revealAction = 'screenshot.reveal';

/**
 * Whether `userId` revealed `alertId`'s capture within the last REVEAL_MINUTES. The
 * audit entry IS the reveal (no second record to drift from it); the lookup uses the
 * audit log's (target_type, target_id) index and the database clock on both sides.
 */
export async function hasActiveReveal(db: Db, userId: string, alertId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.targetType, 'alert'),
        eq(auditLog.targetId, alertId),
        eq(auditLog.action, revealAction),
        eq(auditLog.actorUserId, userId),
        gt(auditLog.at, sql`now() - make_interval(mins => ${REVEAL_MINUTES})`),
      ),
    )
    .limit(1);
  return row !== undefined;
}
