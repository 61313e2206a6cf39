import { describe, expect, it } from 'vitest';
import { decodeHookMessage } from './key-hook.protocol.ts';

describe('key-hook child messages', () => {
  it('decodes the three shapes the child sends', () => {
    expect(decodeHookMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(decodeHookMessage({ type: 'click', button: 1 })).toEqual({ type: 'click', button: 1 });
    const key = { type: 'key', down: true, code: 30, shift: false, ctrl: false, alt: true, meta: false };
    expect(decodeHookMessage(key)).toEqual(key);
  });

  it('keeps only the fields of the shape', () => {
    expect(decodeHookMessage({ type: 'key', down: false, code: 0, shift: true, ctrl: false, alt: false, meta: false, text: 'secret' })).toEqual({
      type: 'key',
      down: false,
      code: 0,
      shift: true,
      ctrl: false,
      alt: false,
      meta: false,
    });
  });

  it('refuses anything else', () => {
    for (const raw of [
      null,
      'key',
      [],
      { type: 'keys' },
      { type: 'click' },
      { type: 'click', button: 1.5 },
      { type: 'key', down: true, code: -1, shift: false, ctrl: false, alt: false, meta: false },
      { type: 'key', down: true, code: 30, shift: 'no', ctrl: false, alt: false, meta: false },
      { type: 'key', down: true, code: 30, shift: false, ctrl: false, alt: false },
    ]) {
      expect(decodeHookMessage(raw)).toBeUndefined();
    }
  });
});
