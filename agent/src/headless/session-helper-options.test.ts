import { describe, expect, it } from 'vitest';
import { parseHelperOptions } from './session-helper-options.ts';

describe('the session helper options (--options)', () => {
  it('defaults the log level and keeps what the service sends', () => {
    expect(parseHelperOptions({})).toEqual({ logLevel: 'info' });
    expect(parseHelperOptions({ logLevel: 'warn', lockCommand: ['i3lock', '-n'], lockerPidFile: '/run/user/1000/vigil-locker.pid' })).toEqual({
      logLevel: 'warn',
      lockCommand: ['i3lock', '-n'],
      lockerPidFile: '/run/user/1000/vigil-locker.pid',
    });
  });

  it('names the key that is wrong', () => {
    expect(() => parseHelperOptions([])).toThrow('--options: not a JSON object');
    expect(() => parseHelperOptions({ logLevel: 'loud' })).toThrow(/logLevel must be one of fatal, error/);
    expect(() => parseHelperOptions({ lockCommand: [] })).toThrow(/lockCommand must be a list of non-empty strings/);
    expect(() => parseHelperOptions({ lockCommand: ['i3lock', ''] })).toThrow(/lockCommand/);
    expect(() => parseHelperOptions({ lockerPidFile: 3 })).toThrow(/lockerPidFile must be a non-empty string/);
    expect(() => parseHelperOptions({ stateDir: '/var/lib/vigil-agent' })).toThrow('--options: unknown key "stateDir"');
  });
});
