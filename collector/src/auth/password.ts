import { hashPassword, loadArgon2 } from '../admin/password-hash.ts';
import { passwordWeakness, type PasswordOwner } from './password-policy.ts';

// One password policy and one set of argon2id parameters for the whole collector: the
// admin CLI's (admin/password-hash.ts: 19 MiB, 2 passes, 1 lane; 12..256 characters)
// plus the guessability rules of password-policy.ts. This file adds what sign-in needs
// on top: verification.
export { hashPassword };
export { passwordWeakness, type PasswordOwner, type PasswordRule, type PasswordWeakness } from './password-policy.ts';

/** Long enough for any password the policy allows; short enough that hashing it is no denial of service. */
export const maxPresentedPasswordLength = 1024;

/** Why a new password is refused (naming the rule, never echoing it), or undefined when it is acceptable. */
export function passwordPolicyProblem(password: string, owner: PasswordOwner = {}): string | undefined {
  return passwordWeakness(password, owner)?.message;
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks `password` against a stored PHC string. The comparison inside argon2 is
 * constant-time; with `storedHash` null (no such user, or an OIDC-only account) a
 * throwaway hash is verified instead, so the answer takes as long as a real one and the
 * response time does not reveal which user names exist.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  const { verify } = await loadArgon2();
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
