import type { Db } from '../db/database.ts';
import { auditLog } from '../db/schema/index.ts';

export type AuditEntry = typeof auditLog.$inferInsert;

/**
 * Appends to the audit log. Entries can never be changed or removed afterwards (the
 * database refuses), so write them in the same transaction as the change they record.
 */
export async function appendAudit(db: Pick<Db, 'insert'>, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}
