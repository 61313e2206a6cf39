import { describe, expect, it } from 'vitest';
import { compileTitlePatterns, defaultPolicy, policySchema } from './policy.schema.ts';

describe('policy', () => {
  it('the default policy is valid, idle lock off, screenshots on', () => {
    expect(policySchema.parse(defaultPolicy)).toEqual(defaultPolicy);
    expect(defaultPolicy).toMatchObject({ idleLockMinutes: 0, idleWarningSeconds: 30, heartbeatSeconds: 30 });
    expect(defaultPolicy).toMatchObject({ alertCooldownSeconds: 300, captureScreenshots: true });
  });

  it('the default policy cannot be changed by a caller', () => {
    expect(Object.isFrozen(defaultPolicy)).toBe(true);
    expect(Object.isFrozen(defaultPolicy.signInTitlePatterns)).toBe(true);
    expect(() => defaultPolicy.signInTitlePatterns.push('x')).toThrow(TypeError);
  });

  it.each([
    'Sign in to your account',
    'Microsoft account - Sign-In',
    'LOGIN | Moodle',
    'Enter your password',
    'Authentication required',
    'Google 2-Step Verification',
    'Enter verification code',
    'Unlock keyring',
  ])('default sign-in patterns pause matching on "%s"', (title) => {
    expect(compileTitlePatterns(defaultPolicy.signInTitlePatterns).some((pattern) => pattern.test(title))).toBe(true);
  });

  it.each(['Photosynthesis — Wikipedia', 'Untitled document — Google Docs', 'Logic gates worksheet'])(
    'default sign-in patterns leave "%s" monitored',
    (title) => {
      expect(compileTitlePatterns(defaultPolicy.signInTitlePatterns).some((pattern) => pattern.test(title))).toBe(false);
    },
  );

  it.each(['(', '[a-', 'a{2,1}', '*', '(?<n>a)(?<n>b)'])('rejects a title pattern that does not compile: %s', (pattern) => {
    const result = policySchema.safeParse({ ...defaultPolicy, signInTitlePatterns: [pattern] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['signInTitlePatterns', 0]);
  });

  it.each([
    ['idleLockMinutes', 241],
    ['idleWarningSeconds', 301],
    ['heartbeatSeconds', 4],
    ['alertCooldownSeconds', 86_401],
    ['aupText', 'a'.repeat(20_001)],
  ])('rejects %s = out-of-range value', (field, value) => {
    expect(policySchema.safeParse({ ...defaultPolicy, [field]: value }).success).toBe(false);
  });
});
