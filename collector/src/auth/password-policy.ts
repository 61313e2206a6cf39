import { readFileSync } from 'node:fs';
import { passwordProblem } from '../admin/password-hash.ts';

// The new-password rules (NCSC / NIST 800-63B style): length first, then refuse what a
// guesser tries first — common passwords, keyboard and number runs, repetition, the
// person's own names, and those with a predictable suffix (password1234, Summer2024!).
// No composition rules ("one capital, one digit"): a long passphrase passes as it is.

/** Stable codes, one per rule, for API details and tests. */
export type PasswordRule = 'length' | 'spaces' | 'contains-name' | 'repetitive' | 'sequence' | 'common';

export interface PasswordWeakness {
  readonly rule: PasswordRule;
  /** Names the rule; never contains the password. */
  readonly message: string;
}

/** Whose password it is: a password containing either name is refused. */
export interface PasswordOwner {
  readonly username?: string | undefined;
  readonly displayName?: string | undefined;
}

const messages: Readonly<Record<Exclude<PasswordRule, 'length' | 'spaces'>, string>> = {
  'contains-name': 'the password must not contain the user name or the person’s name',
  repetitive: 'the password is too repetitive (one character or a short group repeated)',
  sequence: 'the password is a keyboard, letter or number sequence (like qwerty or 12345678), perhaps with digits added',
  common: 'the password is a common password, or common words with digits or symbols added (like Welcome2024!)',
};

let commonWords: ReadonlySet<string> | undefined;

/** common-passwords.txt, read once on first use (a few KB). */
function common(): ReadonlySet<string> {
  commonWords ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return commonWords;
}

// Runs a person types without thinking: number rows (wrapping 9 → 0 → 1), the
// alphabet, keyboard rows (QWERTY, QWERTZ, AZERTY), columns and diagonals.
const sequences = [
  '01234567890123456789',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  'qazwsxedcrfvtgbyhnujmikolp',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'zaq1xsw2cde3vfr4bgt5nhy6mju7',
  '1q2w3e4r5t6y7u8i9o0p',
  'q1w2e3r4t5y6u7i8o9p0',
  'a1b2c3d4e5f6g7h8i9j0',
  '!@#$%^&*()_+',
  '7894561230',
  '1472583690',
].flatMap((run) => [run, [...run].reverse().join('')]);

/** The length of the longest sequence run that starts `text` (0 when under 3). */
function sequenceAt(text: string): number {
  let best = 0;
  for (const run of sequences) {
    for (let length = Math.min(text.length, run.length); length > best; length--) {
      if (length >= 3 && run.includes(text.slice(0, length))) {
        best = length;
        break;
      }
    }
  }
  return best;
}

/** Made of at most three runs like `qwerty`, `1234`, `abcd` end to end (qwertyasdfgh, abcd1234efgh). */
function isSequence(text: string): boolean {
  let rest = text;
  for (let runs = 0; runs < 3 && rest.length > 0; runs++) {
    const length = sequenceAt(rest);
    if (length === 0) return false;
    rest = rest.slice(length);
  }
  return rest.length === 0 && text.length > 0;
}

/** Three or fewer different characters, or one group repeated (abcabcabcabc, passwordpassword). */
function isRepetitive(text: string): boolean {
  if (text.length === 0) return false;
  if (new Set(text).size <= 3) return true;
  for (let unit = 1; unit <= text.length / 2; unit++) {
    if (text.length % unit === 0 && text.slice(0, unit).repeat(text.length / unit) === text) return true;
  }
  return false;
}

// Look-alike characters folded back to letters: p4ssw0rd, $ummer, l3tm3in.
const lookAlikes: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};
const unLeet = (text: string) => text.replace(/[0134578@$!|]/g, (char) => lookAlikes[char] ?? char);

/** A common word, alone or two joined by digits or symbols (welcome2school), in plain or look-alike spelling. */
function isCommon(stem: string): boolean {
  const words = common();
  if (words.has(stem) || words.has(unLeet(stem))) return true;
  const parts = stem.split(/[^a-z]+/).filter((part) => part !== '');
  return parts.length > 0 && parts.length <= 2 && parts.every((part) => words.has(part));
}

/** Case and separators add almost nothing against a guesser that tries them. */
const compactOf = (text: string) => text.replace(/[\s._-]+/g, '');

/** Name parts worth refusing: the whole user name, and longer pieces of it and of the display name. */
function nameParts(owner: PasswordOwner): string[] {
  const parts: string[] = [];
  const username = owner.username?.trim().toLowerCase() ?? '';
  // Compared with the password's compact form, so compacted the same way (head.of.it → headofit).
  const compactName = compactOf(username);
  if (compactName.length >= 3) parts.push(compactName);
  for (const source of [username, owner.displayName?.toLowerCase() ?? '']) {
    for (const part of source.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 4) parts.push(part);
  }
  return parts;
}

/**
 * Why `password` may not be used as a new password, or undefined when it may. Checks
 * length (12..256), then the guessable shapes, in the order a person can best act on.
 */
export function passwordWeakness(password: string, owner: PasswordOwner = {}): PasswordWeakness | undefined {
  const basic = passwordProblem(password);
  if (basic !== undefined) return { rule: basic.includes('spaces') ? 'spaces' : 'length', message: basic };

  const compact = compactOf(password.toLowerCase());
  if (nameParts(owner).some((part) => compact.includes(part) || unLeet(compact).includes(part)))
    return { rule: 'contains-name', message: messages['contains-name'] };
  if (isRepetitive(compact)) return { rule: 'repetitive', message: messages.repetitive };
  if (isSequence(compact)) return { rule: 'sequence', message: messages.sequence };
  if (isCommon(compact)) return { rule: 'common', message: messages.common };

  // The predictable suffix (or prefix): digits and symbols around a weak core.
  const stem = compact.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (stem === compact || stem === '') return undefined;
  if (isRepetitive(stem)) return { rule: 'repetitive', message: messages.repetitive };
  if (isSequence(stem)) return { rule: 'sequence', message: messages.sequence };
  if (isCommon(stem)) return { rule: 'common', message: messages.common };
  return undefined;
}
