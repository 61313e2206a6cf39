import { describe, expect, it } from 'vitest';
import { bulkResultText, cacheBusted, placeText, revealReasonProblem, termText } from './alert-format.ts';
import { SEVERITY_OPTIONS, severityText } from './severity.ts';

describe('severity labels', () => {
  it('names each level with its number', () => {
    expect([1, 2, 3, 4, 5].map(severityText)).toEqual(['1 · Very low', '2 · Low', '3 · Medium', '4 · High', '5 · Critical']);
  });

  it('offers the five levels in order for the minimum-severity filter', () => {
    expect(SEVERITY_OPTIONS.map((option) => option.level)).toEqual([1, 2, 3, 4, 5]);
    expect(SEVERITY_OPTIONS[4]?.meaning).toBe('DSL acts now');
  });

  it('clamps values outside the scale instead of failing', () => {
    expect(severityText(0)).toBe('1 · Very low');
    expect(severityText(9)).toBe('5 · Critical');
    expect(severityText(Number.NaN)).toBe('1 · Very low');
  });
});

describe('alert text helpers', () => {
  it('adds a cache-busting parameter to the screenshot URL', () => {
    expect(cacheBusted('/api/alerts/A/screenshot', 5)).toBe('/api/alerts/A/screenshot?v=5');
    expect(cacheBusted('/api/alerts/A/screenshot?size=full', 5)).toBe('/api/alerts/A/screenshot?size=full&v=5');
    expect(cacheBusted('/x#top', 'a b')).toBe('/x?v=a%20b#top');
  });

  it('asks for a reveal reason of 10 to 500 characters', () => {
    expect(revealReasonProblem('short')).toMatch(/at least 10/);
    expect(revealReasonProblem('          x')).toMatch(/at least 10/);
    expect(revealReasonProblem('Pupil disclosure, checking context')).toBeUndefined();
    expect(revealReasonProblem('x'.repeat(501))).toMatch(/under 500/);
    // Eleven zero-width spaces (and other invisible padding) are not a reason.
    expect(revealReasonProblem('\u200B'.repeat(11))).toMatch(/at least 10 visible characters \(0 so far\)/);
    expect(revealReasonProblem('abc\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u0301\u0301')).toMatch(/\(3 so far\)/);
  });

  it('says a withheld term is withheld, never "null"', () => {
    expect(termText({ term: null })).toBe('Withheld — restricted category');
    expect(termText({ term: 'loser' })).toBe('“loser”');
  });

  it('shows host and room together', () => {
    expect(placeText({ hostname: 'ICT-07', roomName: 'Room 12' })).toBe('ICT-07 (Room 12)');
    expect(placeText({ hostname: 'ICT-07', roomName: null })).toBe('ICT-07');
  });

  it('summarises a bulk action', () => {
    expect(bulkResultText(3, 0)).toBe('3 updated');
    expect(bulkResultText(3, 1)).toMatch(/^3 updated, 1 skipped/);
    expect(bulkResultText(1, 3, [{ code: 'restricted-dsl-only' }, { code: 'reason-required' }])).toBe(
      '1 updated, 1 skipped (already in that state or not allowed), 1 kept open (restricted category: only the DSL may close it), 1 kept open (serious or escalated: close it on its own with a reason)',
    );
  });
});
