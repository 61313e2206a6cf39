import type { MessageShownPayload } from '@vigil/shared';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { auditLog } from '../db/schema/index.ts';

// What each PC did with a teacher message: the room route audits `device.message` per target when it is
// sent; the agent's `message-shown` (where it went: a notification, the agent's own window, or nowhere)
// is audited as `device.message-shown`. Kept in the audit log (no table of its own): both are facts about
// what staff said to pupils, and the audit log is where those live.

export const MESSAGE_SHOWN_ACTION = 'device.message-shown';

export interface MessageReceipt {
  deviceId: string;
  via: MessageShownPayload['via'];
  /** When the PC put it on screen (the agent's clock, epoch ms). */
  at: number;
}

/**
 * Records a `message-shown` from `deviceId` (the authenticated device, never a payload field) once: an
 * outbox replay of the same report adds nothing. A report for a message this device was not sent is ignored.
 */
export async function recordMessageShown(db: Db, deviceId: string, p: MessageShownPayload): Promise<'recorded' | 'duplicate' | 'unknown-message'> {
  return db.transaction(async (tx) => {
    const sent = await tx
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.targetType, 'device'),
          eq(auditLog.targetId, deviceId),
          eq(auditLog.action, 'device.message'),
          sql`${auditLog.detail}->>'messageId' = ${p.messageId}`,
        ),
      )
      .limit(1);
    if (sent.length === 0) return 'unknown-message';
    const seen = await tx
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.targetType, 'device'),
          eq(auditLog.targetId, deviceId),
          eq(auditLog.action, MESSAGE_SHOWN_ACTION),
          sql`${auditLog.detail}->>'messageId' = ${p.messageId}`,
        ),
      )
      .limit(1);
    if (seen.length > 0) return 'duplicate';
    await appendAudit(tx, {
      actorLabel: 'agent',
      action: MESSAGE_SHOWN_ACTION,
      targetType: 'device',
      targetId: deviceId,
      detail: { messageId: p.messageId, via: p.via, at: p.at },
    });
    return 'recorded';
  });
}

/** The devices a message of `roomId` went to (empty: no such message in that room). */
export async function messageTargets(db: Db, roomId: string, messageId: string): Promise<string[]> {
  const rows = await db
    .select({ deviceId: auditLog.targetId })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'device.message'), sql`${auditLog.detail}->>'messageId' = ${messageId}`, sql`${auditLog.detail}->>'roomId' = ${roomId}`));
  return [...new Set(rows.map((r) => r.deviceId).filter((id): id is string => id !== null))];
}

/** The `message-shown` reports of `deviceIds` for a message, one per device. */
export async function messageReceipts(db: Db, messageId: string, deviceIds: readonly string[]): Promise<MessageReceipt[]> {
  if (deviceIds.length === 0) return [];
  const rows = await db
    .select({ deviceId: auditLog.targetId, detail: auditLog.detail })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, MESSAGE_SHOWN_ACTION),
        eq(auditLog.targetType, 'device'),
        inArray(auditLog.targetId, [...deviceIds]),
        sql`${auditLog.detail}->>'messageId' = ${messageId}`,
      ),
    );
  const byDevice = new Map<string, MessageReceipt>();
  for (const row of rows) {
    const via = row.detail?.via;
    const at = row.detail?.at;
    if (row.deviceId === null || (via !== 'notification' && via !== 'window' && via !== 'none') || typeof at !== 'number') continue;
    if (!byDevice.has(row.deviceId)) byDevice.set(row.deviceId, { deviceId: row.deviceId, via, at });
  }
  return [...byDevice.values()];
}
