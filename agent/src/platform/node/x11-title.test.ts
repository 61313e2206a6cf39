import { describe, expect, it } from 'vitest';
import { parseXpropString, titleFromXprop } from './x11-title.ts';

describe('titleFromXprop', () => {
  it('keeps "=" and markup in a title (get-windows loses both)', () => {
    expect(titleFromXprop('_NET_WM_NAME:  not found.\nWM_NAME(STRING) = "<img src=x onerror=alert(1)>"\n')).toBe('<img src=x onerror=alert(1)>');
  });

  it('prefers the UTF-8 _NET_WM_NAME and decodes escapes', () => {
    const out = '_NET_WM_NAME(UTF8_STRING) = "Caf\\303\\251 \\"menu\\" a=b"\nWM_NAME(STRING) = "Cafe"\n';
    expect(titleFromXprop(out)).toBe('Café "menu" a=b');
  });

  it('is undefined when the window has no name', () => {
    expect(titleFromXprop('_NET_WM_NAME:  not found.\nWM_NAME:  not found.\n')).toBeUndefined();
    expect(parseXpropString('no quotes')).toBeUndefined();
  });
});
