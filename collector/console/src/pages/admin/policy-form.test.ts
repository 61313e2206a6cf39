import { describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy } from '@vigil/shared/protocol';
import { draftFromPolicy, overrideCount, overridesFromDraft, type PolicyDraft } from './policy-form.ts';

const effective: Policy = { ...defaultPolicy, signInTitlePatterns: [...defaultPolicy.signInTitlePatterns], noCaptureCategories: ['sexual-content'] };

function edit(draft: PolicyDraft, key: keyof Policy, value: PolicyDraft['values'][keyof Policy], overridden = true): PolicyDraft {
  return { overridden: { ...draft.overridden, [key]: overridden }, values: { ...draft.values, [key]: value } };
}

describe('policy form', () => {
  it('shows inherited settings with the effective value and no overrides', () => {
    const draft = draftFromPolicy({}, effective);
    expect(overrideCount(draft)).toBe(0);
    expect(draft.values.heartbeatSeconds).toBe(String(effective.heartbeatSeconds));
    expect(draft.values.signInTitlePatterns).toBe(effective.signInTitlePatterns.join('\n'));
    expect(overridesFromDraft(draft)).toEqual({ ok: true, overrides: {} });
  });

  it('round-trips the overrides set at this scope', () => {
    const overrides: Partial<Policy> = {
      idleLockMinutes: 10,
      showAupOnLogin: false,
      signInTitlePatterns: ['sign in', 'password'],
      noCaptureCategories: ['self-harm'],
    };
    const draft = draftFromPolicy(overrides, effective);
    expect(overrideCount(draft)).toBe(4);
    expect(overridesFromDraft(draft)).toEqual({ ok: true, overrides });
  });

  it('sends only overridden keys, never schema defaults', () => {
    const draft = edit(draftFromPolicy({}, effective), 'idleLockMinutes', '15');
    expect(overridesFromDraft(draft)).toEqual({ ok: true, overrides: { idleLockMinutes: 15 } });
  });

  it('drops blank pattern lines and trims them', () => {
    const draft = edit(draftFromPolicy({}, effective), 'signInTitlePatterns', ' log ?in \n\n  \nsso\n');
    expect(overridesFromDraft(draft)).toEqual({ ok: true, overrides: { signInTitlePatterns: ['log ?in', 'sso'] } });
  });

  it('names the setting for a bad number, an out-of-range value and a bad pattern', () => {
    let draft = draftFromPolicy({}, effective);
    draft = edit(draft, 'idleLockMinutes', 'ten');
    draft = edit(draft, 'heartbeatSeconds', '2');
    draft = edit(draft, 'signInTitlePatterns', 'ok\n([unclosed');
    const result = overridesFromDraft(draft);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.key).sort()).toEqual(['heartbeatSeconds', 'idleLockMinutes', 'signInTitlePatterns']);
    expect(result.problems.find((p) => p.key === 'idleLockMinutes')?.message).toMatch(/^Idle lock \(minutes\): enter a whole number from 0 to 240/);
    expect(result.problems.find((p) => p.key === 'signInTitlePatterns')?.message).toMatch(/line 2/);
  });

  it('ignores a bad value in a setting that is inherited', () => {
    const draft = edit(draftFromPolicy({}, effective), 'idleLockMinutes', 'nonsense', false);
    expect(overridesFromDraft(draft)).toEqual({ ok: true, overrides: {} });
  });
});
