import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../api/client.ts';
import { groupSecret, setupFormProblem } from './auth-forms.ts';
import { signInOutcome } from './sign-in-messages.ts';

const now = new Date(2030, 0, 1, 10, 0, 0).getTime();

describe('signInOutcome', () => {
  it('moves to the code step when TOTP is required', () => {
    expect(signInOutcome(new ApiFailure(401, 'totp-required', 'Enter the code'), now, 'password')).toEqual({ kind: 'totp-needed' });
  });

  it('explains a failed sign-in and the lockout rule without saying which part was wrong', () => {
    const outcome = signInOutcome(new ApiFailure(401, 'invalid-credentials', 'Sign-in failed'), now, 'password');
    expect(outcome).toEqual({
      kind: 'problem',
      step: 'password',
      message: 'Sign-in failed. Check your name and password; after 3 failures the account is locked for 10 minutes.',
    });
  });

  it('goes back to the password step when a locked account refuses the code step', () => {
    expect(signInOutcome(new ApiFailure(401, 'invalid-credentials', 'Sign-in failed'), now, 'totp')).toMatchObject({ kind: 'problem', step: 'password' });
  });

  it('keeps a wrong code on the code step', () => {
    expect(signInOutcome(new ApiFailure(401, 'totp-invalid', 'x'), now, 'totp')).toMatchObject({ kind: 'problem', step: 'totp' });
  });

  it("passes on the rate limiter's wait", () => {
    const outcome = signInOutcome(new ApiFailure(429, 'rate-limited', 'Too many attempts; try again in 1 minute'), now, 'password');
    expect(outcome.kind === 'problem' && outcome.message).toBe('Too many sign-in attempts from this computer. Try again in 1 minute.');
  });

  it('says the collector is unreachable', () => {
    const outcome = signInOutcome(new ApiFailure(0, 'network', 'The collector cannot be reached (Failed to fetch)'), now, 'password');
    expect(outcome.kind === 'problem' && outcome.message).toContain('cannot be reached');
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
