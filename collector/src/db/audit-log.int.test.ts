import { eq } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/audit.repository.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { auditLog } from './schema/index.ts';
import { refusal } from './testing/role-checks.ts';

// As the owner, who holds every privilege on audit_log: only the triggers stand in the
// way. (The collector's own role is refused before the triggers even run:
// least-privilege.test.ts.)
describe('audit_log is append-only in the database itself', () => {
  let database: TestDatabase;
  let owner: NodePgDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    owner = drizzle({ client: database.ownerPool });
    await appendAudit(database.db, {
      actorLabel: 'Ms Example',
      action: 'alert.view',
      targetType: 'alert',
      targetId: '01JAUDITTEST0000000000000',
      detail: { reason: 'triage' },
      ip: '192.0.2.10',
    });
  });
  afterAll(() => database.drop());

  it('accepts inserts', async () => {
    const rows = await database.db.select().from(auditLog);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'alert.view', actorLabel: 'Ms Example', ip: '192.0.2.10', detail: { reason: 'triage' } });
    expect(rows[0]?.at).toBeInstanceOf(Date);
  });

  it('refuses UPDATE', async () => {
    const refused = await refusal(owner.update(auditLog).set({ action: 'nothing.happened' }).where(eq(auditLog.action, 'alert.view')));
    expect(refused).toEqual({ code: '42501', message: 'audit_log is append-only: UPDATE is not allowed' });
  });

  it('refuses UPDATE even when no row matches', async () => {
    expect(await refusal(database.ownerPool.query(`update audit_log set action = 'x' where false`))).toMatchObject({ code: '42501' });
  });

  it('refuses DELETE', async () => {
    expect(await refusal(owner.delete(auditLog))).toEqual({ code: '42501', message: 'audit_log is append-only: DELETE is not allowed' });
    expect(await refusal(database.ownerPool.query('delete from audit_log where false'))).toMatchObject({ code: '42501' });
  });

  it('refuses TRUNCATE', async () => {
    expect(await refusal(database.ownerPool.query('truncate audit_log'))).toEqual({
      code: '42501',
      message: 'audit_log is append-only: TRUNCATE is not allowed',
    });
  });

  it('still holds the original row afterwards', async () => {
    const rows = await database.db.select({ action: auditLog.action }).from(auditLog);
    expect(rows).toEqual([{ action: 'alert.view' }]);
  });
});
