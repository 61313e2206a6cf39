import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { TEST_SOURCE } from './fixtures/test-lists.ts';
import type { MatchHit } from './hits.ts';
import { KeyStream } from './key-stream.ts';

const matcher = compile(TEST_SOURCE);

/** Keys: one character each, '⌫' for Backspace, '⏎' for Enter. */
function type(ks: KeyStream, keys: string): MatchHit[] {
  const hits: MatchHit[] = [];
  for (const ch of keys) hits.push(...ks.push(ch === '⌫' ? 'Backspace' : ch === '⏎' ? 'Enter' : ch));
  return hits;
}

const spans = (hits: readonly MatchHit[]): Array<[string, number, number]> => hits.map((h) => [h.term, h.start, h.end]);

describe('KeyStream', () => {
  it('reports a word hit the moment the following boundary is typed', () => {
    const ks = new KeyStream(matcher);
    expect(type(ks, 'i want to die')).toEqual([]);
    expect(spans(ks.push(' '))).toEqual([['die', 10, 13]]);
  });

  it('reports a substring hit on its last letter', () => {
    const ks = new KeyStream(matcher);
    expect(type(ks, 'www.4cha')).toEqual([]);
    expect(spans(ks.push('n'))).toEqual([['4chan', 4, 9]]);
  });

  it('Backspace: typing "kilx⌫l " equals typing "kill "', () => {
    expect(spans(type(new KeyStream(matcher), 'kilx⌫l '))).toEqual(spans(type(new KeyStream(matcher), 'kill ')));
    expect(spans(type(new KeyStream(matcher), 'kilx⌫l '))).toEqual([['kill', 0, 4]]);
  });

  it('Backspace undoes leet, bridging and repeated-letter state exactly', () => {
    expect(spans(type(new KeyStream(matcher), 'k i lx⌫ l myself '))).toContainEqual(['kill myself', 0, 14]);
    expect(spans(type(new KeyStream(matcher), 'a ss⌫⌫x ass '))).toEqual([['ass', 4, 7]]);
    expect(spans(type(new KeyStream(matcher), 'dieee⌫⌫⌫⌫t '))).toEqual([]);
  });

  it('a word hit at the end of a line is flushed by Enter, Tab, Escape or a click', () => {
    for (const key of ['Enter', 'Tab', 'Escape', 'Click', 'ArrowUp']) {
      const ks = new KeyStream(matcher);
      type(ks, 'die');
      expect(spans(ks.push(key))).toEqual([['die', 0, 3]]);
    }
    const ks = new KeyStream(matcher);
    type(ks, 'kms');
    expect(spans(ks.endLine())).toEqual([['kms', 0, 3]]);
  });

  it('Enter and Tab insert a character; Escape and clicks do not', () => {
    const ks = new KeyStream(matcher);
    type(ks, 'hello⏎');
    ks.push('Tab');
    ks.push('Click');
    expect(spans(type(ks, 'die '))).toEqual([['die', 7, 10]]);
  });

  it('a line end resets matching: a phrase does not continue on the next line', () => {
    expect(spans(type(new KeyStream(matcher), 'kill⏎myself⏎')).map(([t]) => t)).toEqual(['kill']);
  });

  it('Backspace at the start of a line deletes the line break in the offsets', () => {
    const ks = new KeyStream(matcher);
    type(ks, 'ab⏎⌫ die ');
    expect(ks.position).toBe(7);
    expect(spans(type(new KeyStream(matcher), 'ab⏎⌫ die '))).toEqual([['die', 3, 6]]);
  });

  it('offsets count UTF-16 units of astral characters, also across Backspace', () => {
    expect(spans(type(new KeyStream(matcher), '𝐤𝐢𝐥𝐥 '))).toEqual([['kill', 0, 8]]);
    expect(spans(type(new KeyStream(matcher), '𝐱⌫die '))).toEqual([['die', 0, 3]]);
  });

  it('does not report the same hit twice when a line is edited and retyped', () => {
    expect(spans(type(new KeyStream(matcher), 'die ⌫ ⌫ '))).toEqual([['die', 0, 3]]);
  });

  it('keeps a hit reported even if its text is deleted afterwards', () => {
    expect(spans(type(new KeyStream(matcher), 'die ⌫⌫⌫⌫hello '))).toEqual([['die', 0, 3]]);
  });

  it('holds a substring hit while an allow word can still complete, and drops it if it does', () => {
    const ks = new KeyStream(matcher);
    expect(type(ks, 'poorn')).toEqual([]);
    expect(type(ks, 'ess ')).toEqual([]);
    expect(spans(type(new KeyStream(matcher), 'poorn.'))).toEqual([['porn', 0, 5]]);
  });

  it('reset() forgets the line without reporting; restart() also rewinds the offsets', () => {
    const ks = new KeyStream(matcher);
    type(ks, 'die');
    ks.reset();
    expect(ks.endLine()).toEqual([]);
    type(ks, 'xy');
    ks.restart();
    expect(spans(type(ks, 'die '))).toEqual([['die', 0, 3]]);
  });

  it('ignores modifier and function keys', () => {
    const ks = new KeyStream(matcher);
    expect(type(ks, 'di')).toEqual([]);
    ks.push('Shift');
    ks.push('F5');
    expect(spans(type(ks, 'e '))).toEqual([['die', 0, 3]]);
  });

  it('survives Backspace beyond its history on a very long line', () => {
    const ks = new KeyStream(matcher);
    type(ks, 'x'.repeat(600));
    type(ks, '⌫'.repeat(600));
    expect(ks.position).toBe(0);
    expect(spans(type(ks, 'die '))).toEqual([['die', 0, 3]]);
  });

  it('gives a context from the visible text around the hit', () => {
    const ks = new KeyStream(matcher);
    const [hit] = type(ks, `${'blah '.repeat(40)}i really want to dieee now`);
    expect(hit?.context.length).toBeLessThanOrEqual(120);
    expect(hit?.context).toContain('want to dieee');
    expect(hit?.source).toBe('typed');
  });

  it('returns the shared empty array when a key completes nothing', () => {
    const ks = new KeyStream(matcher);
    expect(ks.push('a')).toBe(ks.push('b'));
  });
});
