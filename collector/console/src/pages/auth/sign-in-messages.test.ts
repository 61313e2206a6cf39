import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../api/client.ts';
import { groupSecret, setupFormProblem } from './auth-forms.ts';
import { lockedMessage, signInOutcome } from './sign-in-messages.ts';

const now = new Date(2030, 0, 1, 10, 0, 0).getTime();

describe('signInOutcome', () => {
  it('moves to the code step when TOTP is required', () => {
    expect(signInOutcome(new ApiFailure(401, 'totp-required', 'Enter the code'), now, 'password')).toEqual({ kind: 'totp-needed' });
  });

  it('explains a wrong password and the lockout rule', () => {
    const outcome = signInOutcome(new ApiFailure(401, 'invalid-credentials', 'Wrong user name or password'), now, 'password');
    expect(outcome).toMatchObject({ kind: 'problem', step: 'password' });
    expect(outcome.kind === 'problem' && outcome.message).toContain('Wrong user name or password');
  });

  it('keeps a wrong code on the code step', () => {
    expect(signInOutcome(new ApiFailure(401, 'totp-invalid', 'x'), now, 'totp')).toMatchObject({ kind: 'problem', step: 'totp' });
  });

  it('says how long a locked account stays locked', () => {
    const until = new Date(now + 7 * 60_000 + 5_000).toISOString();
    const outcome = signInOutcome(new ApiFailure(423, 'account-locked', 'locked', [], { until }), now, 'totp');
    expect(outcome).toMatchObject({ kind: 'problem', step: 'password' });
    expect(outcome.kind === 'problem' && outcome.message).toMatch(/Try again in 8 minutes \(at 10:07\)/);
  });

  it('passes on the rate limiter\'s wait', () => {
    const outcome = signInOutcome(new ApiFailure(429, 'rate-limited', 'Too many attempts; try again in 1 minute'), now, 'password');
    expect(outcome.kind === 'problem' && outcome.message).toBe('Too many sign-in attempts from this computer. Try again in 1 minute.');
  });

  it('says the collector is unreachable', () => {
    const outcome = signInOutcome(new ApiFailure(0, 'network', 'The collector cannot be reached (Failed to fetch)'), now, 'password');
    expect(outcome.kind === 'problem' && outcome.message).toContain('cannot be reached');
  });
});

describe('lockedMessage', () => {
  it('falls back to "later" without a usable time', () => {
    expect(lockedMessage(undefined, now)).toContain('Try again later');
    expect(lockedMessage(new Date(now - 1000).toISOString(), now)).toContain('Try again later');
  });
});

describe('setupFormProblem', () => {
  const good = { displayName: 'Ada Admin', username: 'ada', password: 'correct horse battery', repeat: 'correct horse battery' };
  it('accepts a good form', () => {
    expect(setupFormProblem(good)).toBeUndefined();
  });
  it('names the first problem', () => {
    expect(setupFormProblem({ ...good, displayName: ' ' })).toBe('Enter your name.');
    expect(setupFormProblem({ ...good, username: 'a b' })).toMatch(/user name/);
    expect(setupFormProblem({ ...good, password: 'short', repeat: 'short' })).toMatch(/at least 12/);
    expect(setupFormProblem({ ...good, repeat: 'different words here' })).toBe('The two passwords are not the same.');
    expect(setupFormProblem({ ...good, password: ' padded password ', repeat: ' padded password ' })).toMatch(/space/);
    expect(setupFormProblem({ ...good, username: 'averylongname', password: 'AveryLongName', repeat: 'AveryLongName' })).toMatch(/user name/);
  });
});

describe('groupSecret', () => {
  it('groups a base32 secret in fours', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(groupSecret('ABCDEF')).toBe('ABCD EF');
  });
});
