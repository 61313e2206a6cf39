import { describe, expect, it } from 'vitest';
import { MAX_ROWS, countText, filterAllow, filterBuiltin, filterCustom } from './wordlist-filter.ts';
import type { BuiltinTerm, CustomWord } from './admin-types.ts';

const terms: BuiltinTerm[] = [
  { term: 'kill myself', category: 'self-harm', severity: 5, match: 'phrase' },
  { term: 'kms', category: 'self-harm', severity: 4, match: 'word' },
  { term: 'unblocked', category: 'filter-circumvention', severity: 2, match: 'substring' },
  { term: 'vpn', category: 'filter-circumvention', severity: 2, match: 'word' },
];

describe('word list filters', () => {
  it('filters by category and by text, most severe first', () => {
    expect(filterBuiltin(terms, { category: 'self-harm', text: '' }).shown.map((t) => t.term)).toEqual(['kill myself', 'kms']);
    expect(filterBuiltin(terms, { category: '', text: 'BLOCK' }).shown.map((t) => t.term)).toEqual(['unblocked']);
    expect(filterBuiltin(terms, { category: 'self-harm', text: 'vpn' }).matching).toBe(0);
  });

  it('renders a bounded number of rows and says how many match', () => {
    const many: BuiltinTerm[] = Array.from({ length: MAX_ROWS + 50 }, (_, i) => ({ term: `term${i}`, category: 'c', severity: 3, match: 'word' }));
    const result = filterBuiltin(many, { category: '', text: '' });
    expect(result.shown).toHaveLength(MAX_ROWS);
    expect(result.matching).toBe(MAX_ROWS + 50);
    expect(countText(result.shown.length, result.matching, 'terms')).toBe(
      `Showing ${MAX_ROWS} of ${MAX_ROWS + 50} matching terms. Narrow the filter to see the rest.`,
    );
    expect(countText(2, 2, 'terms')).toBe('2 matching terms.');
  });

  it('filters the allow list by text', () => {
    expect(filterAllow(['scunthorpe', 'cerulean', 'river niger'], 'ER').shown).toEqual(['cerulean', 'river niger']);
  });

  it('keeps allow entries when filtering custom words by category', () => {
    const custom: CustomWord[] = [
      {
        id: '1',
        kind: 'term',
        term: 'local slang',
        category: 'bullying',
        severity: 3,
        match: 'phrase',
        enabled: true,
        createdBy: 'it',
        createdAt: '2025-01-01T00:00:00Z',
      },
      {
        id: '2',
        kind: 'allow',
        term: 'scunthorpe utd',
        category: null,
        severity: null,
        match: null,
        enabled: true,
        createdBy: 'it',
        createdAt: '2025-01-01T00:00:00Z',
      },
      {
        id: '3',
        kind: 'term',
        term: 'other',
        category: 'drugs-alcohol',
        severity: 3,
        match: 'word',
        enabled: false,
        createdBy: null,
        createdAt: '2025-01-01T00:00:00Z',
      },
    ];
    expect(filterCustom(custom, { category: 'bullying', text: '' }).map((w) => w.id)).toEqual(['1', '2']);
    expect(filterCustom(custom, { category: '', text: 'scun' }).map((w) => w.id)).toEqual(['2']);
  });
});
