import pg from 'pg';
import { expect } from 'vitest';

/** What PostgreSQL said when it refused `work` (under drizzle's wrapper, if any); fails the test if it did not. */
export async function refusal(work: PromiseLike<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    if (cause instanceof Error) return { code: 'code' in cause ? String(cause.code) : undefined, message: cause.message };
    throw error;
  }
  throw new Error('the statement was not refused');
}

/**
 * The promise of issue #17: connected as the collector's role, nothing undoes an audit
 * entry. Every way in is refused for lack of privilege (SQLSTATE 42501) before the
 * triggers are even reached, including the two ways around them, and the role cannot
 * become the owner.
 */
export async function expectConfinedToAppend(app: pg.Pool, ownerRole: string): Promise<void> {
  const denied = { code: '42501', message: 'permission denied for table audit_log' };
  expect(await refusal(app.query(`update audit_log set action = 'rewritten'`))).toEqual(denied);
  expect(await refusal(app.query('delete from audit_log'))).toEqual(denied);
  expect(await refusal(app.query('truncate audit_log'))).toEqual(denied);
  expect(await refusal(app.query('set session_replication_role = replica'))).toEqual({
    code: '42501',
    message: 'permission denied to set parameter "session_replication_role"',
  });
  expect(await refusal(app.query('alter table audit_log disable trigger audit_log_refuse_update_delete'))).toEqual({
    code: '42501',
    message: 'must be owner of table audit_log',
  });
  expect(await refusal(app.query('alter table audit_log disable trigger all'))).toMatchObject({ code: '42501' });
  expect(await refusal(app.query('drop trigger audit_log_refuse_truncate on audit_log'))).toMatchObject({ code: '42501' });
  expect(await refusal(app.query(`set role ${pg.escapeIdentifier(ownerRole)}`))).toMatchObject({ code: '42501' });
  const rights = await app.query<{ set: boolean }>(`select has_parameter_privilege('session_replication_role', 'SET') as set`);
  expect(rights.rows[0]?.set).toBe(false);
}
