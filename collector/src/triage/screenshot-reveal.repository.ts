import { and, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { auditLog } from '../db/schema/index.ts';

/** How long one reveal lets its DSL see one alert's capture unblurred and its text in clear. */
export const REVEAL_MINUTES = 30;

export const revealAction = 'screenshot.reveal';

/**
 * Whether `userId` revealed `alertId`'s capture within the last REVEAL_MINUTES. The
 * audit entry IS the reveal (no second record to drift from it); the lookup uses the
 * audit log's (target_type, target_id) index and the database clock on both sides.
 */
export async function hasActiveReveal(db: Db, userId: string, alertId: string): Promise<boolean> {
  return (await activeReveals(db, userId, [alertId])).has(alertId);
}

function activeRevealCondition(userId: string): SQL | undefined {
  return and(
    eq(auditLog.targetType, 'alert'),
    eq(auditLog.action, revealAction),
    eq(auditLog.actorUserId, userId),
    gt(auditLog.at, sql`now() - make_interval(mins => ${REVEAL_MINUTES})`),
  );
}

/** Which of `alertIds` `userId` revealed within the last REVEAL_MINUTES (one query). */
export async function activeReveals(db: Db, userId: string, alertIds: readonly string[]): Promise<Set<string>> {
  if (alertIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ alertId: auditLog.targetId })
    .from(auditLog)
    .where(and(activeRevealCondition(userId), inArray(auditLog.targetId, [...new Set(alertIds)])));
  return new Set(rows.flatMap((row) => (row.alertId === null ? [] : [row.alertId])));
}

/** SQL: `alertId` (a column or expression) is among `userId`'s active reveals. */
export function revealedBy(userId: string, alertId: SQL | { getSQL(): SQL }): SQL {
  return sql`exists (select 1 from ${auditLog} where ${activeRevealCondition(userId)} and ${auditLog.targetId} = ${alertId})`;
}
