import { verify } from '@node-rs/argon2';
import { hashPassword, passwordProblem } from '../admin/password-hash.ts';

// One password policy and one set of argon2id parameters for the whole collector: the
// admin CLI's (admin/password-hash.ts: 19 MiB, 2 passes, 1 lane; 12..256 characters).
// This file adds what sign-in needs on top: verification and the new-password check
// that also knows the user name.
export { hashPassword };

/** Long enough for any password the policy allows; short enough that hashing it is no denial of service. */
export const maxPresentedPasswordLength = 1024;

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordPolicyProblem(password: string, username?: string): string | undefined {
  const problem = passwordProblem(password);
  if (problem !== undefined) return problem;
  if (username !== undefined && password.toLowerCase() === username.trim().toLowerCase()) return 'the password must not be the user name';
  return undefined;
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks `password` against a stored PHC string. The comparison inside argon2 is
 * constant-time; with `storedHash` null (no such user, or an OIDC-only account) a
 * throwaway hash is verified instead, so the answer takes as long as a real one and the
 * response time does not reveal which user names exist.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hashPassword('vigil-timing-equaliser');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    // A malformed stored hash is a refusal, not a crash.
    return false;
  }
}
