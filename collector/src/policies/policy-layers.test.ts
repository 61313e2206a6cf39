import { defaultPolicy, policySchema } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { decodePolicyPatch, decodeStoredLayer, resolvePolicy } from './policy-layers.ts';

describe('decodePolicyPatch', () => {
  it('keeps exactly the settings given (no schema defaults sneak into a layer)', () => {
    expect(decodePolicyPatch({ idleLockMinutes: 10 })).toEqual({ ok: true, value: { idleLockMinutes: 10 } });
    expect(decodePolicyPatch({})).toEqual({ ok: true, value: {} });
  });

  it('names the key of a bad value', () => {
    const result = decodePolicyPatch({ idleLockMinutes: -1, signInTitlePatterns: ['('] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('policy-invalid');
    expect(result.message).toContain('idleLockMinutes:');
    expect(result.message).toContain('signInTitlePatterns.0: not a valid regular expression');
  });

  it('refuses a setting it does not know, naming it', () => {
    expect(decodePolicyPatch({ idleLockMinuts: 5 })).toEqual({ ok: false, code: 'policy-invalid', message: 'unknown setting "idleLockMinuts"' });
  });

  it('refuses anything but an object', () => {
    for (const input of [null, 5, 'x', [{ idleLockMinutes: 1 }]]) expect(decodePolicyPatch(input)).toMatchObject({ ok: false, code: 'policy-invalid' });
  });
});

describe('decodeStoredLayer', () => {
  it('drops keys it does not know instead of failing the layer', () => {
    expect(decodeStoredLayer({ idleLockMinutes: 3, retiredSetting: true })).toEqual({ ok: true, value: { idleLockMinutes: 3 } });
  });

  it('fails a layer with a bad value', () => {
    expect(decodeStoredLayer({ heartbeatSeconds: 1 })).toMatchObject({ ok: false, code: 'policy-invalid' });
  });
});

describe('resolvePolicy', () => {
  it('is the default with no layers, as a fresh copy', () => {
    const policy = resolvePolicy([]);
    expect(policy).toEqual(defaultPolicy);
    policy.signInTitlePatterns.push('mine');
    expect(defaultPolicy.signInTitlePatterns).not.toContain('mine');
  });

  it('lets later layers win, key by key, and replaces lists whole', () => {
    const policy = resolvePolicy([
      { idleLockMinutes: 10, aupVersion: 'site-1', noCaptureCategories: ['self-harm'] },
      { idleLockMinutes: 5, noCaptureCategories: ['abuse'] },
      { idleLockMinutes: 2 },
    ]);
    expect(policy).toMatchObject({
      idleLockMinutes: 2,
      aupVersion: 'site-1',
      noCaptureCategories: ['abuse'],
      heartbeatSeconds: defaultPolicy.heartbeatSeconds,
    });
    expect(policySchema.safeParse(policy).success).toBe(true);
  });
});
