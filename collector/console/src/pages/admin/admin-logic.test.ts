import { describe, expect, it } from 'vitest';
import { adminSectionsFor, resolveAdminPath } from './admin-sections.ts';
import { agentCommand, agentCommandFor, parseWholeNumber, tokenState } from './agent-command.ts';
import { devicesIn, previousExitText } from './device-status.ts';
import { accountState, passwordProblem, usernameProblem } from './user-format.ts';
import type { DeviceRow } from '@vigil/shared/console';

describe('administration sections by role', () => {
  it('shows users and retention to admins only', () => {
    expect(adminSectionsFor('admin').map((s) => s.section)).toEqual([
      'rooms',
      'tokens',
      'policies',
      'wordlists',
      'notifications',
      'pupils',
      'users',
      'retention',
      'sso',
    ]);
    expect(adminSectionsFor('technician').map((s) => s.section)).toEqual(['rooms', 'tokens', 'policies', 'wordlists', 'notifications', 'pupils']);
    expect(adminSectionsFor('dsl').map((s) => s.section)).toEqual(['rooms', 'tokens', 'policies', 'wordlists', 'notifications', 'pupils']);
    expect(adminSectionsFor('teacher')).toEqual([]);
    expect(adminSectionsFor('viewer')).toEqual([]);
  });

  it('sends /admin to the first section the role has', () => {
    expect(resolveAdminPath('/admin', 'technician')).toEqual({ kind: 'redirect', to: '/admin/rooms' });
    expect(resolveAdminPath('/admin/', 'admin')).toEqual({ kind: 'redirect', to: '/admin/rooms' });
    expect(resolveAdminPath('/admin', 'teacher')).toEqual({ kind: 'forbidden' });
  });

  it('refuses a section the role cannot use and knows unknown paths', () => {
    expect(resolveAdminPath('/admin/users', 'technician')).toEqual({ kind: 'forbidden' });
    expect(resolveAdminPath('/admin/users', 'admin')).toMatchObject({ kind: 'section', info: { section: 'users' } });
    expect(resolveAdminPath('/admin/retention/', 'admin')).toMatchObject({ kind: 'section', info: { section: 'retention' } });
    expect(resolveAdminPath('/admin/nope', 'admin')).toEqual({ kind: 'not-found' });
  });
});

describe('enrolment tokens', () => {
  it('builds the agent command for this collector', () => {
    expect(agentCommand('school.example:8080', 'tok_ABC')).toBe('pnpm agent -- --collector ws://school.example:8080 --enrol-token tok_ABC');
    expect(agentCommand('vigil.school.example', 'T', true)).toBe('pnpm agent -- --collector wss://vigil.school.example --enrol-token T');
    // The collector names its agents' TLS address (wss://host:8443) with a new token.
    expect(agentCommandFor('wss://vigil.school.example:8443', 'T.pin')).toBe('pnpm agent -- --collector wss://vigil.school.example:8443 --enrol-token T.pin');
  });

  it('names a token state, revoked first', () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    const row = { revokedAt: null, expiresAt: '2025-03-08T12:00:00Z', usesLeft: 5 };
    expect(tokenState(row, now)).toBe('active');
    expect(tokenState({ ...row, usesLeft: 0 }, now)).toBe('used-up');
    expect(tokenState({ ...row, expiresAt: '2025-03-01T11:00:00Z' }, now)).toBe('expired');
    expect(tokenState({ ...row, revokedAt: '2025-03-01T10:00:00Z', usesLeft: 0 }, now)).toBe('revoked');
  });

  it('reads whole numbers in range from a field', () => {
    expect(parseWholeNumber(' 30 ', 'Uses', 1, 10_000)).toEqual({ ok: true, value: 30 });
    expect(parseWholeNumber('0', 'Uses', 1, 10_000).ok).toBe(false);
    expect(parseWholeNumber('2.5', 'Days', 1, 90).ok).toBe(false);
    expect(parseWholeNumber('91', 'Days', 1, 90)).toEqual({ ok: false, problem: 'Days: enter a whole number from 1 to 90.' });
  });
});

describe('devices', () => {
  const device = (hostname: string, roomId: string | null, retired = false): DeviceRow => ({
    id: hostname,
    hostname,
    os: 'linux',
    osVersion: null,
    agentVersion: null,
    agentKind: 'desktop',
    browser: null,
    profileEmail: null,
    siteId: 'S',
    roomId,
    roomName: null,
    status: 'online',
    lastSeenAt: null,
    lastOsUser: null,
    previousExit: null,
    enrolledAt: '2025-01-01T00:00:00Z',
    retired,
  });

  it('says a silent previous exit means killed or lost power', () => {
    expect(previousExitText('silent')).toBe('Killed or lost power');
    expect(previousExitText('bye')).toBe('Stopped cleanly');
    expect(previousExitText(null)).toBe('—');
  });

  it('lists a room in natural hostname order and hides retired devices unless asked', () => {
    const all = [device('PC-10', 'R'), device('PC-2', 'R'), device('PC-3', 'R', true), device('PC-1', null)];
    expect(devicesIn(all, 'R', false).map((d) => d.hostname)).toEqual(['PC-2', 'PC-10']);
    expect(devicesIn(all, 'R', true).map((d) => d.hostname)).toEqual(['PC-2', 'PC-3', 'PC-10']);
    expect(devicesIn(all, null, false).map((d) => d.hostname)).toEqual(['PC-1']);
  });
});

describe('users', () => {
  it('knows disabled, locked and active accounts', () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    expect(accountState({ disabled: true, lockedUntil: null }, now)).toBe('disabled');
    expect(accountState({ disabled: false, lockedUntil: '2025-03-01T12:05:00Z' }, now)).toBe('locked');
    expect(accountState({ disabled: false, lockedUntil: '2025-03-01T11:00:00Z' }, now)).toBe('active');
  });

  it('checks passwords and user names as the contract does', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('correct horse battery')).toBeUndefined();
    expect(usernameProblem('j.smith@school')).toBeUndefined();
    expect(usernameProblem('j smith')).toMatch(/letters, digits/);
    expect(usernameProblem('x')).toMatch(/2 to 64/);
  });
});
