// Pure checks and formatting for the sign-in, set-up and TOTP pages.

export const minPasswordLength = 12;

/** Client-side checks that save a round trip (the collector's rules in admin/password-hash.ts); the collector checks again. */
export function setupFormProblem(form: { displayName: string; username: string; password: string; repeat: string }): string | undefined {
  if (form.displayName.trim() === '') return 'Enter your name.';
  if (!/^[\p{L}\p{N}._@-]{2,64}$/u.test(form.username.trim())) return 'The user name needs 2 to 64 letters, digits or . _ - @ (no spaces).';
  const length = [...form.password].length;
  if (length < minPasswordLength) return `The password must be at least ${minPasswordLength} characters.`;
  if (length > 256) return 'The password must be at most 256 characters.';
  if (form.password.trim() !== form.password) return 'The password must not start or end with a space.';
  if (form.password.toLowerCase() === form.username.trim().toLowerCase()) return 'The password must not be the user name.';
  if (form.password !== form.repeat) return 'The two passwords are not the same.';
  return undefined;
}

/** `JBSWY3DPEHPK3PXP` → `JBSW Y3DP EHPK 3PXP`: easier to type into a phone. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}
