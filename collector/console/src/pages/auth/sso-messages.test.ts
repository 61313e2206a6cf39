import { describe, expect, it } from 'vitest';
import { passwordFormOpen, ssoErrorMessage, ssoStartHref } from './sso-messages.ts';

describe('school sign-in messages', () => {
  it('turns every known code into a sentence and anything else into the generic one', () => {
    expect(ssoErrorMessage('sso-account-unknown')).toContain('no Vigil account');
    expect(ssoErrorMessage('sso-domain-mismatch')).toContain('domain');
    expect(ssoErrorMessage('<script>alert(1)</script>')).toBe('School sign-in did not work. Try again, or sign in with your Vigil password.');
    expect(ssoErrorMessage(null)).toBeUndefined();
    expect(ssoErrorMessage('')).toBeUndefined();
  });

  it('keeps the page to return to on the start link', () => {
    expect(ssoStartHref(undefined)).toBe('/auth/oidc/start');
    expect(ssoStartHref('/triage/01ABC?x=1')).toBe('/auth/oidc/start?next=%2Ftriage%2F01ABC%3Fx%3D1');
  });

  it('hides the password form only behind the break-glass button, and only when SSO is on and limited to admins', () => {
    expect(passwordFormOpen(undefined, false)).toBe(true);
    expect(passwordFormOpen({ enabled: false, passwordSignIn: 'admins' }, false)).toBe(true);
    expect(passwordFormOpen({ enabled: true, passwordSignIn: 'everyone' }, false)).toBe(true);
    expect(passwordFormOpen({ enabled: true, passwordSignIn: 'admins' }, false)).toBe(false);
    expect(passwordFormOpen({ enabled: true, passwordSignIn: 'admins' }, true)).toBe(true);
  });
});
