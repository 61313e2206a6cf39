import { describe, expect, it } from 'vitest';
import { contextAround, redactContext } from './context.ts';

describe('redactContext', () => {
  it('masks runs of three or more digits', () => {
    expect(redactContext('call 07700 900123 at 10 or 9')).toBe('call # # at 10 or 9');
  });

  it('replaces e-mail addresses', () => {
    expect(redactContext('mail jo.bloggs+x@school.sch.uk now')).toBe('mail [email] now');
  });

  it('replaces long tokens that mix letters and digits, but not long plain words', () => {
    expect(redactContext('my password is Tr0ub4dor3xyzzy99 ok')).toBe('my password is [token] ok');
    expect(redactContext('antidisestablishmentarianism')).toBe('antidisestablishmentarianism');
  });

  it('trims to 120 characters around the middle', () => {
    const out = redactContext(`${'a'.repeat(100)} middle ${'b'.repeat(100)}`);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out).toContain('middle');
    expect(out.startsWith('…') && out.endsWith('…')).toBe(true);
  });
});

describe('contextAround', () => {
  it('centres the hit and stays within the limit', () => {
    const text = `${'x'.repeat(300)}HIT${'y'.repeat(300)}`;
    const ctx = contextAround(text, 300, 303);
    expect(ctx.length).toBe(120);
    expect(ctx).toContain('HIT');
  });

  it('uses the room on one side when the other runs out', () => {
    expect(contextAround('HIT and more text', 0, 3, 10)).toBe('HIT and mo');
  });

  it('never splits a surrogate pair', () => {
    const ctx = contextAround(`${'𝐤'.repeat(100)}HIT`, 200, 203, 10);
    expect(ctx.endsWith('HIT')).toBe(true);
    expect(/^[\uDC00-\uDFFF]/.test(ctx)).toBe(false);
  });
});
