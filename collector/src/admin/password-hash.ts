import type * as Argon2Module from '@node-rs/argon2';
import type { Algorithm, Options } from '@node-rs/argon2';

// Algorithm is an ambient const enum, which type stripping cannot inline: its value here.
const argon2id = 2 satisfies Algorithm.Argon2id;

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane): ~30 ms a hash
 * on a small server. The result is a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`)
 * carrying its own salt and parameters, so stronger settings later still verify old
 * hashes with `verify` from @node-rs/argon2.
 */
export const passwordHashOptions: Readonly<Options> = Object.freeze({
  algorithm: argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export const minPasswordLength = 12;
export const maxPasswordLength = 256;

type Argon2 = typeof Argon2Module;
let argon2Module: Promise<Argon2> | undefined;

/** @node-rs/argon2 (a native addon) is loaded with the first sign-in or password change, not at start-up. */
export function loadArgon2(): Promise<Argon2> {
  argon2Module ??= import('@node-rs/argon2');
  return argon2Module;
}

export async function hashPassword(password: string): Promise<string> {
  const { hash } = await loadArgon2();
  return hash(password, passwordHashOptions);
}

/** Why a new password is unacceptable, or undefined when it is fine. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < minPasswordLength) return `the password must be at least ${minPasswordLength} characters`;
  if (length > maxPasswordLength) return `the password must be at most ${maxPasswordLength} characters`;
  if (password.trim() !== password) return 'the password must not start or end with spaces';
  return undefined;
}
