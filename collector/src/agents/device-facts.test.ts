import { describe, expect, it } from 'vitest';
import { helloMessage } from './testing/test-agent.ts';
import { deviceFacts, osName } from './device-auth.service.ts';

describe('device facts from hello', () => {
  it('gives the desktop and the browser agent the same OS names', () => {
    expect([osName('win32'), osName('win')]).toEqual(['windows', 'windows']);
    expect([osName('darwin'), osName('mac')]).toEqual(['macos', 'macos']);
    expect([osName('linux'), osName('cros'), osName('openbsd')]).toEqual(['linux', 'chromeos', 'openbsd']);
  });

  it('uses a browser agent profile e-mail as the user only when there is no OS user', () => {
    const auth = { kind: 'enrol', token: 'x'.repeat(32) } as const;
    const browser = { agentKind: 'browser', profileEmail: 'pupil@school.example', browser: { name: 'Edge', version: '131.0' } } as const;
    expect(deviceFacts(helloMessage(auth, { ...browser, osUser: '' }).payload)).toMatchObject({
      osUser: 'pupil@school.example',
      agentKind: 'browser',
      browser: 'Edge 131.0',
    });
    expect(deviceFacts(helloMessage(auth, { ...browser, osUser: 'pupil' }).payload)).toMatchObject({ osUser: 'pupil', profileEmail: 'pupil@school.example' });
    // A desktop agent never reports a profile; an empty OS user means nobody signed in.
    expect(deviceFacts(helloMessage(auth, { osUser: '' }).payload)).toMatchObject({ osUser: null, agentKind: 'desktop', browser: null, profileEmail: null });
  });
});
