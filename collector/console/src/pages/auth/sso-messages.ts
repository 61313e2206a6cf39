import { ssoErrorCodes, type SsoErrorCode } from '@vigil/shared/console';

// What the sign-in page says when school sign-in sent the browser back with
// `/signin?sso_error=<code>` (codes from collector/src/auth/sso, listed in @vigil/shared).
// The code comes from the address bar, so anything unknown gets the generic sentence.

const MESSAGES: Readonly<Record<SsoErrorCode, string>> = {
  'sso-not-configured': 'School sign-in is not set up on this Vigil. Sign in with your Vigil user name and password.',
  'sso-unavailable':
    'School sign-in is not available right now (the identity provider could not be reached). Try again in a few minutes, or ask your Vigil administrator.',
  'sso-state-invalid': 'That sign-in took too long or was started in another window. Try again.',
  'sso-provider-refused': 'Your school account sign-in was cancelled or refused. Try again.',
  'sso-token-invalid':
    "The answer from your school's identity provider could not be verified, so you were not signed in. Try again; if it keeps happening, tell your Vigil administrator.",
  'sso-email-unverified': 'Your school account has no confirmed e-mail address, so Vigil cannot tell which account is yours. Ask your IT team.',
  'sso-domain-mismatch': "That account is not from your school's domain. Sign in with your school account.",
  'sso-account-unknown': 'There is no Vigil account for your school account. Ask your Vigil administrator to add you (the refusal was recorded).',
  'sso-no-role': 'Your school account is not in any group that has access to Vigil. Ask your Vigil administrator.',
  'sso-account-conflict': 'Your e-mail address belongs to a Vigil account linked to a different school account. Ask your Vigil administrator.',
  'sso-account-disabled': 'Your Vigil account is disabled. Ask your Vigil administrator.',
  'account-locked': 'This account is locked after too many failed sign-ins. Try again later, or ask an administrator to unlock it.',
};

const isCode = (code: string): code is SsoErrorCode => (ssoErrorCodes as readonly string[]).includes(code);

/** The sentence for `sso_error`, or undefined when there is none. */
export function ssoErrorMessage(code: string | null): string | undefined {
  if (code === null || code === '') return undefined;
  return isCode(code) ? MESSAGES[code] : 'School sign-in did not work. Try again, or sign in with your Vigil password.';
}

/** Where the "Sign in with …" button goes: the collector's start route, keeping `next`. */
export function ssoStartHref(next: string | undefined): string {
  return next === undefined ? '/auth/oidc/start' : `/auth/oidc/start?next=${encodeURIComponent(next)}`;
}

/**
 * Whether the password form shows straight away: always unless school sign-in is on and
 * the admin limited passwords to administrators; then it waits behind "Administrator
 * sign-in" (break-glass: it never disappears completely).
 */
export function passwordFormOpen(
  info: { readonly enabled: boolean; readonly passwordSignIn: 'everyone' | 'admins' } | undefined,
  adminChosen: boolean,
): boolean {
  if (info === undefined || !info.enabled || info.passwordSignIn === 'everyone') return true;
  return adminChosen;
}
