import { describe, expect, it } from 'vitest';
import { passwordWeakness, type PasswordOwner } from './password-policy.ts';

const owner = { username: 'jsmith', displayName: 'Jane Smithson' };
const ruleOf = (password: string, who: PasswordOwner = owner) => passwordWeakness(password, who)?.rule;

describe('the new-password policy', () => {
  it.each([
    ['password1234', 'common'],
    ['Password1234!', 'common'],
    ['P@ssw0rd2024', 'common'],
    ['2024password!!', 'common'],
    ['Summer2024!!', 'common'],
    ['welcome2school', 'common'],
    ['vigil-vigil-2024', 'repetitive'],
    ['liverpool1892', 'common'],
    ['aaaaaaaaaaaa', 'repetitive'],
    ['abcabcabcabc', 'repetitive'],
    ['passwordpassword', 'repetitive'],
    ['aaaaaaaa1234', 'repetitive'],
    ['123456789012', 'sequence'],
    ['qwertyuiop12', 'common'],
    ['zxcvbnmasd99', 'sequence'],
    ['abcdefghijkl', 'sequence'],
    ['zyxwvutsrqpo', 'sequence'],
    ['1qaz2wsx3edc', 'sequence'],
    ['qwertyasdfgh', 'sequence'],
    ['abcd1234efgh', 'sequence'],
    ['jsmith is the best', 'contains-name'],
    ['JSMITH-2024-school', 'contains-name'],
    ['hello smithson family', 'contains-name'],
    ['short', 'length'],
    [' padded but long enough ', 'spaces'],
  ])('refuses %s (%s)', (password, rule) => {
    expect(ruleOf(password)).toBe(rule);
  });

  it.each(['correct horse battery staple', 'Tea-kettle orbits Jupiter', 'my cat eats 3 carrots daily', 'purple elephant umbrella 42'])(
    'accepts the passphrase "%s"',
    (password) => {
      expect(passwordWeakness(password, owner)).toBeUndefined();
    },
  );

  it('names the rule in plain words and never echoes the password', () => {
    for (const password of ['password1234', 'aaaaaaaaaaaa', '123456789012', 'qwertyuiop12', 'jsmith is the best']) {
      const weakness = passwordWeakness(password, owner);
      expect(weakness?.message).toMatch(/^the password /);
      expect(weakness?.message.toLowerCase()).not.toContain(password.toLowerCase());
    }
  });

  it('checks the names only when it knows them', () => {
    expect(ruleOf('jsmith is the best', {})).toBeUndefined();
    // Short pieces of a display name do not count (an "Amy" must not ban "dreamy").
    expect(ruleOf('a dreamy blue lagoon', { username: 'ab', displayName: 'Amy Li' })).toBeUndefined();
  });
});
