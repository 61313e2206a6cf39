import { describe, expect, it } from 'vitest';
import { isOwnOrigin } from './origin.ts';

const request = (headers: Record<string, string>, protocol: 'http' | 'https' = 'http') => ({ headers, protocol });

describe('isOwnOrigin', () => {
  it.each([
    ['the same host and port', { origin: 'http://localhost:8080', host: 'localhost:8080' }, 'http', true],
    ['the same host, default port spelled out in Host', { origin: 'https://vigil.school.uk', host: 'vigil.school.uk:443' }, 'https', true],
    ['https page behind a TLS proxy', { origin: 'https://vigil.school.uk', host: 'vigil.school.uk' }, 'http', true],
    ['another site', { origin: 'https://evil.example', host: 'vigil.school.uk' }, 'https', false],
    ['a look-alike host', { origin: 'https://vigil.school.uk.evil.example', host: 'vigil.school.uk' }, 'https', false],
    ['a sibling sub-domain', { origin: 'https://www.school.uk', host: 'vigil.school.uk' }, 'https', false],
    ['another port', { origin: 'http://localhost:5173', host: 'localhost:8080' }, 'http', false],
    ['plain http to an https collector', { origin: 'http://vigil.school.uk', host: 'vigil.school.uk' }, 'https', false],
    ['no Origin', { host: 'vigil.school.uk' }, 'https', false],
    ['Origin null (sandboxed frame, file:)', { origin: 'null', host: 'vigil.school.uk' }, 'https', false],
    ['a non-web scheme', { origin: 'chrome-extension://abc', host: 'abc' }, 'http', false],
    ['garbage', { origin: '::::', host: 'vigil.school.uk' }, 'http', false],
  ] as const)('%s → %s', (_what, headers, protocol, allowed) => {
    expect(isOwnOrigin(request(headers, protocol), undefined)).toBe(allowed);
  });

  it('accepts PUBLIC_URL’s origin when a proxy rewrote Host', () => {
    expect(isOwnOrigin(request({ origin: 'https://vigil.school.uk', host: '10.0.0.5:8080' }), 'https://vigil.school.uk/')).toBe(true);
    expect(isOwnOrigin(request({ origin: 'https://evil.example', host: '10.0.0.5:8080' }), 'https://vigil.school.uk/')).toBe(false);
  });
});
