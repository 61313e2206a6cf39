import { describe, expect, it } from 'vitest';
import { helloPayloadSchema } from '@vigil/shared/protocol';
import { helloFacts, pickBrowser } from './environment.ts';

describe('who the browser agent says it is', () => {
  it('names Edge and Chrome over Chromium, and never the GREASE brand', () => {
    expect(
      pickBrowser([
        { brand: 'Not)A;Brand', version: '99' },
        { brand: 'Chromium', version: '131' },
        { brand: 'Microsoft Edge', version: '131' },
      ]),
    ).toEqual({ name: 'Edge', version: '131' });
    expect(
      pickBrowser([
        { brand: 'Google Chrome', version: '131.0.6778.85' },
        { brand: 'Chromium', version: '131.0.6778.85' },
        { brand: 'Not_A Brand', version: '24' },
      ]),
    ).toEqual({ name: 'Chrome', version: '131.0.6778.85' });
    expect(pickBrowser([{ brand: 'Chromium', version: '156' }])).toEqual({ name: 'Chromium', version: '156' });
    expect(pickBrowser([])).toEqual({ name: 'Chromium', version: '' });
  });

  it('makes a hello the collector accepts, with the profile e-mail as the user', () => {
    const facts = helloFacts(
      { platform: 'cros', arch: 'x86-64', browser: { name: 'Chrome', version: '131.0' }, profileEmail: 'pupil@school.example', label: 'Chromebook' },
      '0.1.0',
      'first-run',
    );
    expect(facts).toMatchObject({
      agentKind: 'browser',
      hostname: 'Chromebook',
      osUser: 'pupil@school.example',
      profileEmail: 'pupil@school.example',
      os: { platform: 'cros' },
    });
    expect(helloPayloadSchema.safeParse({ ...facts, auth: { kind: 'enrol', token: 'abcdefghijklmnop1234' } }).success).toBe(true);
    const anonymous = helloFacts(
      { platform: 'win', arch: '', browser: { name: 'Edge', version: '131' }, profileEmail: '', label: 'Edge on Windows PC' },
      '0.1.0',
      'clean',
    );
    expect(anonymous.profileEmail).toBeUndefined();
    expect(anonymous.os.arch).toBe('unknown');
  });
});
