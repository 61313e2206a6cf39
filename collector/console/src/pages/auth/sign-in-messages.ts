import { ApiFailure, describeError } from '../../api/client.ts';

// What the sign-in form says for each answer of POST /api/auth/login (codes from
// collector/src/auth/login.service.ts and the rate limiter in auth.plugin.ts).

export type SignInOutcome =
  /** Password right, now the authenticator code (not an error: the second step). */
  { readonly kind: 'totp-needed' } | { readonly kind: 'problem'; readonly message: string; readonly step: 'password' | 'totp' };

export const signInFailedText = 'Sign-in failed. Check your name and password; after 3 failures the account is locked for 10 minutes.';

export function signInOutcome(error: unknown, now: number, step: 'password' | 'totp'): SignInOutcome {
  if (!(error instanceof ApiFailure)) return { kind: 'problem', message: describeError(error), step };
  switch (error.code) {
    case 'totp-required':
      return { kind: 'totp-needed' };
    case 'totp-invalid':
      return {
        kind: 'problem',
        message: 'That code is wrong or was already used. Wait for the next code in your authenticator app and try again.',
        step: 'totp',
      };
    case 'invalid-credentials':
      // The collector answers an unknown name, a wrong password and a locked account
      // alike (so nobody can probe for names); the text covers all three.
      return { kind: 'problem', message: signInFailedText, step: 'password' };
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

/** The limiter's own "try again in 1 minute", when it says so. */
function retryHint(message: string): string {
  const match = /try again in (.+)$/i.exec(message);
  return match === null ? 'Wait a minute and try again.' : `Try again in ${match[1]}.`;
}
