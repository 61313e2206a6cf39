import { describe, expect, it } from 'vitest';
import { parseProperties, servableSession } from './session-discovery.ts';
import { guessXauthority, parsePasswdLine, sameSession } from './session-target.ts';

const props = (text: string) => parseProperties(text);
const X11_USER = 'Name=pupil\nUser=1001\nType=x11\nClass=user\nRemote=no\nState=active\nDisplay=:0\n';

describe('choosing the session to serve', () => {
  it("reads loginctl's Key=value lines", () => {
    expect(props('Type=x11\nDisplay=:0\nDesktop=\n')).toEqual({ Type: 'x11', Display: ':0', Desktop: '' });
  });

  it('serves the active, local X11 session of an ordinary user', () => {
    expect(servableSession(props(X11_USER))).toEqual({ uid: 1001, display: ':0' });
  });

  it.each([
    ['a Wayland session', X11_USER.replace('Type=x11', 'Type=wayland')],
    ['the login screen', X11_USER.replace('Class=user', 'Class=greeter')],
    ['a remote session', X11_USER.replace('Remote=no', 'Remote=yes')],
    ['a session in the background', X11_USER.replace('State=active', 'State=online')],
    ['a session without a display', X11_USER.replace('Display=:0', 'Display=')],
    ['a display that is not a local X display', X11_USER.replace('Display=:0', 'Display=evil:0')],
  ])('not %s', (_what, text) => {
    expect(servableSession(props(text))).toBeUndefined();
  });

  it('reads getent passwd lines and refuses malformed ones', () => {
    expect(parsePasswdLine('pupil:x:1001:1001:A Pupil,,,:/home/pupil:/bin/bash\n')).toEqual({ user: 'pupil', uid: 1001, gid: 1001, home: '/home/pupil' });
    expect(parsePasswdLine('pupil:x:abc:1001::/home/pupil:/bin/sh')).toBeUndefined();
    expect(parsePasswdLine('')).toBeUndefined();
  });

  it("finds the session's X cookie where display managers leave it", () => {
    const entry = { user: 'pupil', uid: 1001, gid: 1001, home: '/home/pupil' };
    expect(guessXauthority(entry, (p) => p === '/home/pupil/.Xauthority')).toBe('/home/pupil/.Xauthority');
    expect(guessXauthority(entry, (p) => p.startsWith('/run/user/1001/'))).toBe('/run/user/1001/gdm/Xauthority');
    expect(guessXauthority(entry, () => false)).toBeUndefined();
  });

  it('a different display or session id is a different session', () => {
    const a = { user: 'pupil', uid: 1001, gid: 1001, home: '/home/pupil', display: ':0', sessionId: '3' };
    expect(sameSession(a, { ...a })).toBe(true);
    expect(sameSession(a, { ...a, display: ':1' })).toBe(false);
    expect(sameSession(a, { ...a, sessionId: '4' })).toBe(false);
    expect(sameSession(a, undefined)).toBe(false);
    expect(sameSession(undefined, undefined)).toBe(true);
  });
});
