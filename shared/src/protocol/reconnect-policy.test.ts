import { describe, expect, it } from 'vitest';
import { closeCodes } from './close-codes.ts';
import { backoffAttempt, judgeClose, QUICK_RECONNECT_WINDOW_MS } from './reconnect-policy.ts';

const settings = { baseMs: 1_000, capMs: 60_000, refusedMs: 600_000 };
const top = () => 0.999_999;
const bottom = () => 0;

describe('what an agent does after a close', () => {
  it('backs off briefly from 4503 "try again later": 0.5–1 s then doubling, never more than 30 s', () => {
    expect(judgeClose(closeCodes.tryAgainLater, 'collector-busy', 0, settings, bottom)).toEqual({ kind: 'retry', delayMs: 500 });
    expect(judgeClose(closeCodes.tryAgainLater, 'collector-busy', 0, settings, top).delayMs).toBe(999);
    expect(judgeClose(closeCodes.tryAgainLater, 'handshake-timeout', 3, settings, top).delayMs).toBe(7_999);
    expect(judgeClose(closeCodes.tryAgainLater, 'collector-busy', 20, settings, top).delayMs).toBe(29_999);
    // Even an agent configured with a tiny base waits at least half a second.
    expect(judgeClose(closeCodes.tryAgainLater, '', 0, { ...settings, baseMs: 10 }, bottom).delayMs).toBe(500);
  });

  it('comes back when a busy collector says, spread over [hint / 2, 3 × hint / 2], whatever the attempt', () => {
    expect(judgeClose(closeCodes.tryAgainLater, 'collector-busy: retry-after=7000', 9, settings, bottom)).toEqual({ kind: 'retry', delayMs: 3_500 });
    expect(judgeClose(closeCodes.tryAgainLater, 'collector-busy: retry-after=7000', 0, settings, top).delayMs).toBe(10_500);
    expect(judgeClose(closeCodes.tryAgainLater, 'handshake-timeout: retry-after=1', 0, settings, bottom).delayMs).toBe(500);
    expect(judgeClose(closeCodes.tryAgainLater, 'collector-busy: retry-after=999999', 0, settings, bottom).delayMs).toBe(30_000);
  });

  it("reads an older collector's 4401 hello-timeout as busy, and other 4401s as a refusal", () => {
    expect(judgeClose(closeCodes.unauthenticated, 'hello-timeout', 0, settings, bottom)).toEqual({ kind: 'retry', delayMs: 500 });
    expect(judgeClose(closeCodes.unauthenticated, 'device-auth-failed', 0, settings)).toEqual({ kind: 'refused', delayMs: 600_000, reason: 'credentials' });
    expect(judgeClose(closeCodes.forbidden, 'device-retired', 0, settings)).toEqual({ kind: 'refused', delayMs: 600_000, reason: 'forbidden' });
    expect(judgeClose(closeCodes.unsupportedVersion, '', 0, settings)).toEqual({ kind: 'refused', delayMs: 600_000, reason: 'version' });
  });

  it('waits at least 5 s after 4429 and 30 s after 4409; anything else backs off exponentially', () => {
    expect(judgeClose(closeCodes.rateLimited, 'message-rate', 0, settings, bottom).delayMs).toBe(5_000);
    expect(judgeClose(closeCodes.replaced, 'replaced', 0, settings, bottom).delayMs).toBe(30_000);
    expect(judgeClose(1006, '', 0, settings, bottom).delayMs).toBe(500);
    expect(judgeClose(1006, '', 10, settings, top).delayMs).toBe(59_999);
  });

  it('keeps retries quick for two minutes after a live connection was lost, then backs off in full', () => {
    expect(backoffAttempt(9, 5_000)).toBe(3);
    expect(backoffAttempt(2, 5_000)).toBe(2);
    expect(backoffAttempt(9, QUICK_RECONNECT_WINDOW_MS)).toBe(9);
    // Never connected (a PC switched on while the collector is away): the full backoff at once.
    expect(backoffAttempt(9, undefined)).toBe(9);
    expect(judgeClose(1006, 'ECONNREFUSED', backoffAttempt(12, 3_000), settings, top).delayMs).toBe(7_999);
  });
});
