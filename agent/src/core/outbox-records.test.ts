import { describe, expect, it } from 'vitest';
import { makeEnvelope } from '@vigil/shared/protocol';
import { binaryRecord, decodeRecord, messageRecord, wireData } from './outbox-records.ts';

describe('outbox records', () => {
  it('stores envelopes as their wire text and images as their binary frame', () => {
    const span = makeEnvelope('activity', { id: '01JGXDFAM0MSETZ78WDYHDT1E8', app: 'xterm', title: 't', osUser: 'u', start: 1, end: 2 });
    const text = messageRecord(span);
    expect(text).toMatchObject({ id: span.id, kind: 'activity' });
    expect(wireData(text)).toBe(JSON.stringify(span));
    const shot = makeEnvelope('screenshot', { sha256: 'ab'.repeat(32), width: 1, height: 1, mime: 'image/jpeg' });
    const bin = binaryRecord(shot, new Uint8Array([9, 8, 7]));
    expect(bin.kind).toBe('state');
    expect(Buffer.isBuffer(wireData(bin))).toBe(true);
    const decoded = decodeRecord(bin);
    expect(decoded.ok && [decoded.value.message.id, [...(decoded.value.bytes ?? [])]]).toEqual([shot.id, [9, 8, 7]]);
  });

  it('refuses to queue a message the collector would refuse', () => {
    const backwards = makeEnvelope('activity', { id: '01JGXDFAM0MSETZ78WDYHDT1E8', app: 'xterm', title: 't', osUser: 'u', start: 5, end: 2 });
    expect(() => messageRecord(backwards)).toThrow(/invalid activity: payload.end/);
  });
});
