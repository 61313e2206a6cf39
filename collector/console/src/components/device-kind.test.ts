import { describe, expect, it } from 'vitest';
import { browserName, deviceKindLabel, extraProfileEmail, osLabel } from './device-kind.ts';

describe('device kind label', () => {
  it('names a browser agent on ChromeOS a Chromebook', () => {
    expect(deviceKindLabel({ agentKind: 'browser', os: 'chromeos', browser: 'Chrome 131.0' })).toBe('Chromebook');
  });

  it('names a browser agent elsewhere by browser and OS', () => {
    expect(deviceKindLabel({ agentKind: 'browser', os: 'windows', browser: 'Chrome 131.0' })).toBe('Chrome · Windows');
    expect(deviceKindLabel({ agentKind: 'browser', os: 'macos', browser: 'Edge 131.0.2903.70' })).toBe('Edge · macOS');
    expect(deviceKindLabel({ agentKind: 'browser', os: 'linux', browser: null })).toBe('Browser · Linux');
  });

  it('names a desktop agent a PC with its OS', () => {
    expect(deviceKindLabel({ agentKind: 'desktop', os: 'linux', browser: null })).toBe('PC · Linux');
    expect(deviceKindLabel({ agentKind: 'desktop', os: 'windows', browser: null })).toBe('PC · Windows');
  });

  it('shows an unknown OS as reported and strips only the version from a browser', () => {
    expect(osLabel('openbsd')).toBe('openbsd');
    expect(osLabel('')).toBe('Unknown OS');
    expect(browserName('Microsoft Edge 131.0')).toBe('Microsoft Edge');
    expect(browserName('Chromium')).toBe('Chromium');
  });

  it('shows the profile e-mail only when it adds to the user line', () => {
    expect(extraProfileEmail('pupil', 'pupil@school.example')).toBe('pupil@school.example');
    expect(extraProfileEmail('pupil@school.example', 'pupil@school.example')).toBeUndefined();
    expect(extraProfileEmail('pupil', null)).toBeUndefined();
  });
});
