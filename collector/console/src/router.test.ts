import { describe, expect, it } from 'vitest';
import { matchPath, withinSection } from './router.tsx';

describe('matchPath', () => {
  it('returns the named parts of a matching path', () => {
    expect(matchPath('/live/:roomId', '/live/01ABC')).toEqual({ roomId: '01ABC' });
    expect(matchPath('/triage/:id/timeline', '/triage/01X/timeline')).toEqual({ id: '01X' });
  });

  it('decodes percent-encoded parts', () => {
    expect(matchPath('/live/:roomId', '/live/ICT%20Suite%201')).toEqual({ roomId: 'ICT Suite 1' });
  });

  it('ignores a trailing slash', () => {
    expect(matchPath('/live', '/live/')).toEqual({});
  });

  it('refuses other lengths and other literal parts', () => {
    expect(matchPath('/live/:roomId', '/live')).toBeUndefined();
    expect(matchPath('/live/:roomId', '/live/a/b')).toBeUndefined();
    expect(matchPath('/live/:roomId', '/audit/a')).toBeUndefined();
  });
});

describe('withinSection', () => {
  it('takes the section itself and what is under it, not a longer name', () => {
    expect(withinSection('/triage', '/triage')).toBe(true);
    expect(withinSection('/triage', '/triage/01ABC')).toBe(true);
    expect(withinSection('/triage', '/triagex')).toBe(false);
    expect(withinSection('/admin', '/live')).toBe(false);
  });
});
