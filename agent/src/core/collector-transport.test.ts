import { describe, expect, it } from 'vitest';
import { pinOfToken, tokenWithPin } from '@vigil/shared/protocol';
import { chooseTransport, isLoopbackHost, judgeWelcomeTls, type TransportInput } from './collector-transport.ts';

const PIN_A = 'A'.repeat(43);
const PIN_B = 'B'.repeat(43);
const PIN_C = 'C'.repeat(43);
const lan = 'ws://collector.school.lan:8080/agent/v1';
const lanTls = 'wss://collector.school.lan:8443/agent/v1';

const input = (over: Partial<TransportInput>): TransportInput => ({
  url: lan,
  insecure: false,
  configPins: [],
  tokenPin: undefined,
  stored: {},
  enrolled: false,
  ...over,
});

describe('which connection the agent may make', () => {
  it('knows loopback: 127.0.0.0/8, ::1 and localhost, nothing else', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '[::1]', '::1', 'localhost', 'LOCALHOST', 'agent.localhost', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', '128.0.0.1', 'collector.school.lan', 'localhost.evil.com', '::2', '0.0.0.0']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('pins wss:// to the key in the enrolment token, the configuration and device.json', () => {
    const choice = chooseTransport(input({ url: lanTls, tokenPin: PIN_A, configPins: [PIN_B], stored: { collectorPins: [PIN_C] } }));
    expect(choice).toEqual({ ok: true, transport: { url: lanTls, mode: 'pinned', pins: [PIN_B, PIN_C, PIN_A] } });
  });

  it('refuses wss:// with no pin unless --insecure', () => {
    expect(chooseTransport(input({ url: lanTls }))).toMatchObject({ ok: false, code: 'no-pin', message: expect.stringContaining('--pin') });
    expect(chooseTransport(input({ url: lanTls, insecure: true }))).toMatchObject({ ok: true, transport: { mode: 'tls-unpinned' } });
  });

  it('allows plain ws:// to loopback, and elsewhere only with --insecure or to migrate a pre-pinning enrolment', () => {
    expect(chooseTransport(input({ url: 'ws://127.0.0.1:8080/agent/v1', tokenPin: PIN_A }))).toMatchObject({
      ok: true,
      transport: { mode: 'plain-loopback', pins: [PIN_A] },
    });
    expect(chooseTransport(input({ tokenPin: PIN_A }))).toMatchObject({
      ok: false,
      code: 'plain-refused',
      message: expect.stringContaining('wss://collector.school.lan:8443'),
    });
    expect(chooseTransport(input({}))).toMatchObject({ ok: false, code: 'plain-refused' });
    expect(chooseTransport(input({ insecure: true }))).toMatchObject({ ok: true, transport: { mode: 'plain-insecure' } });
    // Enrolled before pins existed (device.json without collectorPins): one migration connection.
    expect(chooseTransport(input({ enrolled: true }))).toMatchObject({ ok: true, transport: { mode: 'plain-migrate' } });
    // Once it holds pins, plain ws:// to that host is refused.
    expect(chooseTransport(input({ enrolled: true, stored: { collectorPins: [PIN_A] } }))).toMatchObject({ ok: false, code: 'plain-refused' });
  });

  it('uses the TLS address a welcome moved it to while the configuration still names the old one', () => {
    const stored = { collectorPins: [PIN_A], collectorUrl: lanTls, upgradedFrom: lan };
    expect(chooseTransport(input({ enrolled: true, stored }))).toEqual({ ok: true, transport: { url: lanTls, mode: 'pinned', pins: [PIN_A] } });
    // Pointed at another collector: the move does not apply, and plain ws:// there is refused.
    expect(chooseTransport(input({ enrolled: true, stored, url: 'ws://other.school.lan:8080/agent/v1' }))).toMatchObject({ ok: false, code: 'plain-refused' });
  });
});

describe("what a welcome's tls means", () => {
  const pinned = { url: lanTls, mode: 'pinned' as const, pins: [PIN_A] };
  const tls = { url: lanTls, pins: [PIN_A, PIN_B] };

  it('over a pinned connection: takes the announced keys (rotation), keeping the one just verified', () => {
    expect(judgeWelcomeTls(pinned, tls, PIN_A, false)).toEqual({ kind: 'continue', pins: [PIN_A, PIN_B] });
    expect(judgeWelcomeTls(pinned, { url: lanTls, pins: [PIN_B] }, PIN_A, false)).toEqual({ kind: 'continue', pins: [PIN_A, PIN_B] });
    expect(judgeWelcomeTls(pinned, { url: lanTls, pins: [PIN_A] }, PIN_A, false)).toEqual({ kind: 'continue' });
    expect(judgeWelcomeTls(pinned, undefined, PIN_A, false)).toEqual({ kind: 'continue' });
  });

  it('over plain ws://: moves to TLS, with the pins it already holds, or the announced ones when it has none', () => {
    const loopback = { url: 'ws://127.0.0.1:8080/agent/v1', mode: 'plain-loopback' as const, pins: [PIN_C] };
    expect(judgeWelcomeTls(loopback, tls, undefined, false)).toEqual({ kind: 'upgrade', transport: { url: lanTls, mode: 'pinned', pins: [PIN_C] } });
    const legacy = { url: lan, mode: 'plain-migrate' as const, pins: [] };
    expect(judgeWelcomeTls(legacy, tls, undefined, false)).toEqual({ kind: 'upgrade', transport: { url: lanTls, mode: 'pinned', pins: [PIN_A, PIN_B] } });
    expect(judgeWelcomeTls(legacy, undefined, undefined, false)).toMatchObject({ kind: 'refuse', why: expect.stringContaining('offers no TLS') });
    expect(judgeWelcomeTls({ ...loopback, pins: [] }, undefined, undefined, false)).toEqual({ kind: 'continue' });
    expect(judgeWelcomeTls({ url: lan, mode: 'plain-insecure', pins: [] }, tls, undefined, true)).toEqual({ kind: 'continue' });
  });
});

describe('enrolment tokens carry the pin', () => {
  it('after the last dot, within the 128-character token limit', () => {
    const token = tokenWithPin('vigil-enrol-abcdefghijklmnopqrstuvwxyz012345', PIN_A);
    expect(token).toBe(`vigil-enrol-abcdefghijklmnopqrstuvwxyz012345.${PIN_A}`);
    expect(token.length).toBeLessThanOrEqual(128);
    expect(pinOfToken(token)).toBe(PIN_A);
    expect(pinOfToken('vigil-enrol-abcdefghijklmnopqrstuvwxyz012345')).toBeUndefined();
    expect(pinOfToken('vigil-enrol-abc.not-a-pin')).toBeUndefined();
    expect(tokenWithPin('t', undefined)).toBe('t');
  });
});
