import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy, retryDelayMs, shouldRetry } from './retry-backoff.ts';
import { signatureHeaderValue, verifySignature } from './webhook-signature.ts';

const secret = 'a-signing-secret-of-32-characters';
const body = '{"type":"vigil.alert"}';
const now = new Date('2026-01-12T10:00:00Z');

describe('webhook signature', () => {
  it('is HMAC-SHA256 of "<t>.<body>" with the unix time, as documented', () => {
    const header = signatureHeaderValue(secret, body, now);
    const t = now.getTime() / 1000;
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
    expect(verifySignature(secret, header, body, { now })).toEqual({ ok: true });
  });

  it('fails for another body, another secret, a stale time or a malformed header', () => {
    const header = signatureHeaderValue(secret, body, now);
    expect(verifySignature(secret, header, `${body} `, { now })).toEqual({ ok: false, code: 'signature-mismatch' });
    expect(verifySignature('another-secret-of-some-length', header, body, { now })).toEqual({ ok: false, code: 'signature-mismatch' });
    expect(verifySignature(secret, header, body, { now: new Date(now.getTime() + 301_000) })).toEqual({ ok: false, code: 'signature-stale' });
    expect(verifySignature(secret, 'v1=abc', body, { now })).toEqual({ ok: false, code: 'signature-malformed' });
    expect(verifySignature(secret, undefined, body, { now })).toEqual({ ok: false, code: 'signature-malformed' });
  });
});

describe('retry backoff', () => {
  it('doubles from 1 s with jitter in the upper half, capped at 5 minutes', () => {
    expect(retryDelayMs(1, () => 0)).toBe(500);
    expect(retryDelayMs(1, () => 0.999_999)).toBe(999);
    expect(retryDelayMs(2, () => 0)).toBe(1_000);
    expect(retryDelayMs(4, () => 0.5)).toBe(6_000);
    expect(retryDelayMs(30, () => 0)).toBe(150_000);
    expect(retryDelayMs(30, () => 1)).toBe(300_000);
  });

  it('treats a broken random source as 0 and never waits less than half the ceiling', () => {
    expect(retryDelayMs(3, () => Number.NaN)).toBe(2_000);
    expect(retryDelayMs(3, () => -5)).toBe(2_000);
  });

  it('gives up after the last attempt', () => {
    expect(shouldRetry(1)).toBe(true);
    expect(shouldRetry(defaultRetryPolicy.maxAttempts - 1)).toBe(true);
    expect(shouldRetry(defaultRetryPolicy.maxAttempts)).toBe(false);
  });
});
