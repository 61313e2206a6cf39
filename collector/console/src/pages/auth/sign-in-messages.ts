import { ApiFailure, describeError } from '../../api/client.ts';
import { durationInWords, formatClockTime } from '../../format.ts';

// What the sign-in form says for each answer of POST /api/auth/login (codes from
// collector/src/auth/login.service.ts and the rate limiter in auth.plugin.ts).

export type SignInOutcome =
  /** Password right, now the authenticator code (not an error: the second step). */
  | { readonly kind: 'totp-needed' }
  | { readonly kind: 'problem'; readonly message: string; readonly step: 'password' | 'totp' };

export function signInOutcome(error: unknown, now: number, step: 'password' | 'totp'): SignInOutcome {
  if (!(error instanceof ApiFailure)) return { kind: 'problem', message: describeError(error), step };
  switch (error.code) {
    case 'totp-required':
      return { kind: 'totp-needed' };
    case 'totp-invalid':
      return { kind: 'problem', message: 'That code is wrong or was already used. Wait for the next code in your authenticator app and try again.', step: 'totp' };
    case 'invalid-credentials':
      return { kind: 'problem', message: 'Wrong user name or password. After 3 wrong attempts the account is locked for 10 minutes.', step: 'password' };
    case 'account-locked':
      return { kind: 'problem', message: lockedMessage(error.details['until'], now), step: 'password' };
    case 'rate-limited':
      return { kind: 'problem', message: `Too many sign-in attempts from this computer. ${retryHint(error.message)}`, step };
    case 'validation-failed':
      return { kind: 'problem', message: step === 'totp' ? 'Enter the 6-digit code.' : 'Enter your user name and password.', step };
    case 'network':
      return { kind: 'problem', message: `${error.message}. Check the network and try again.`, step };
    default:
      return { kind: 'problem', message: describeError(error), step };
  }
}

/** "…locked. Try again in 7 minutes (at 14:32)." when the collector says until when. */
export function lockedMessage(until: unknown, now: number): string {
  const base = 'This account is locked after too many failed sign-ins.';
  const at = typeof until === 'string' ? Date.parse(until) : Number.NaN;
  if (Number.isNaN(at) || at <= now) return `${base} Try again later, or ask an administrator to unlock it.`;
  return `${base} Try again in ${durationInWords(at - now)} (at ${formatClockTime(until as string)}), or ask an administrator to unlock it.`;
}

/** The limiter's own "try again in 1 minute", when it says so. */
function retryHint(message: string): string {
  const match = /try again in (.+)$/i.exec(message);
  return match === null ? 'Wait a minute and try again.' : `Try again in ${match[1]}.`;
}
