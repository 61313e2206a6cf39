import { describe, expect, it } from 'vitest';
import { decodeAgentMessage, decodeBinary } from '@vigil/shared/protocol';
import type { MatchHit } from '@vigil/shared/matcher';
import { alertRecords } from './alert-records.ts';

const hit: MatchHit = {
  term: 'kill myself',
  category: 'self-harm',
  severity: 5,
  source: 'typed',
  start: 7,
  end: 18,
  context: 'i want to kill myself call 07700 900123',
} as MatchHit;
const id = '01JDQ6W3Z6Y3W3Y3W3Y3W3Y3W3';

describe('the outbox records of a browser hit', () => {
  it('carry the redacted context, the tab and the profile, and the screenshot as bytes', () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);
    const [alert, shot] = alertRecords(
      id,
      hit,
      { title: 'History homework', url: 'https://example.org/a', app: 'Chrome', user: 'pupil@school.example' },
      1_700_000_000_000,
      {
        bytes,
        width: 1280,
        height: 800,
        mime: 'image/jpeg',
        sha256: 'a'.repeat(64),
      },
    );
    const decoded = decodeAgentMessage(alert?.body ?? '');
    expect(decoded.ok && decoded.value.type === 'alert' ? decoded.value.payload : undefined).toMatchObject({
      id,
      term: 'kill myself',
      windowTitle: 'History homework',
      url: 'https://example.org/a',
      app: 'Chrome',
      osUser: 'pupil@school.example',
      screenshot: { sha256: 'a'.repeat(64), bytes: 6 },
    });
    expect(alert?.kind).toBe('alert');
    // Digit runs are redacted before anything leaves the browser.
    expect(decoded.ok && decoded.value.type === 'alert' ? decoded.value.payload.context : '').not.toContain('900123');
    expect(shot?.kind).toBe('state');
    expect(shot?.body).toBe('');
    const frame = decodeBinary(shot?.bytes ?? new Uint8Array());
    expect(frame.ok && Array.from(frame.value.bytes)).toEqual(Array.from(bytes));
  });

  it('a folded phrase lists every term, primary first', () => {
    const folded = {
      ...hit,
      term: 'suicide note',
      severity: 5,
      terms: [
        { term: 'suicide note', category: 'self-harm', severity: 5 },
        { term: 'suicide', category: 'self-harm', severity: 3 },
      ],
    } as MatchHit & { terms: Array<{ term: string; category: string; severity: number }> };
    const [alert] = alertRecords(id, folded, { title: '', url: '', app: 'Chrome', user: '' }, 1_700_000_000_000, undefined);
    const decoded = decodeAgentMessage(alert?.body ?? '');
    expect(decoded.ok && decoded.value.type === 'alert' ? decoded.value.payload.terms : undefined).toEqual([
      { term: 'suicide note', category: 'self-harm', severity: 5 },
      { term: 'suicide', category: 'self-harm', severity: 3 },
    ]);
    // One term only: no list (what older collectors expect).
    const [single] = alertRecords(id, hit, { title: '', url: '', app: 'Chrome', user: '' }, 1_700_000_000_000, undefined);
    const plain = decodeAgentMessage(single?.body ?? '');
    expect(plain.ok && plain.value.type === 'alert' ? plain.value.payload.terms : 'x').toBeUndefined();
  });

  it('without a capture there is only the alert', () => {
    const records = alertRecords(id, hit, { title: '', url: '', app: 'Chrome', user: '' }, 1_700_000_000_000, undefined);
    expect(records).toHaveLength(1);
  });
});
