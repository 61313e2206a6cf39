import { describe, expect, it } from 'vitest';
import { containsPattern, decodeCursor, encodeCursor } from './alert-query.ts';

describe('the paging cursor', () => {
  it('round-trips a position, microseconds included', () => {
    const position = { severity: 4, ts: '2025-03-03T08:30:00.123456Z', id: '01JNQ8Z6W5M7C9R1T3V5X7Z9B1' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    '',
    'not base64 at all!',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[9,"2025-03-03T08:30:00Z","x"]').toString('base64url'),
    Buffer.from('[3,"yesterday","x"]').toString('base64url'),
  ])('refuses %j with 400 cursor-invalid', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'cursor-invalid', status: 400 }));
  });
});

describe('containsPattern', () => {
  it('takes LIKE wildcards and the escape character literally', () => {
    expect(containsPattern('100%')).toBe('%100\\%%');
    expect(containsPattern('file_name')).toBe('%file\\_name%');
    expect(containsPattern('a\\b')).toBe('%a\\\\b%');
  });
});
