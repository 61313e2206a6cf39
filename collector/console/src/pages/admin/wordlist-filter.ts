import type { BuiltinTerm, CustomWord } from './admin-types.ts';

// The built-in word list has thousands of terms: the page filters by category and text and
// renders a bounded number of rows, saying how many more match.

export const MAX_ROWS = 300;

export interface TermFilter {
  /** Category id, '' for all. */
  readonly category: string;
  readonly text: string;
}

function matchesText(term: string, text: string): boolean {
  const needle = text.trim().toLocaleLowerCase('en-GB');
  return needle === '' || term.toLocaleLowerCase('en-GB').includes(needle);
}

export function filterBuiltin(terms: readonly BuiltinTerm[], filter: TermFilter): { readonly shown: readonly BuiltinTerm[]; readonly matching: number } {
  const matching = terms.filter((term) => (filter.category === '' || term.category === filter.category) && matchesText(term.term, filter.text));
  matching.sort((a, b) => b.severity - a.severity || a.term.localeCompare(b.term, 'en-GB'));
  return { shown: matching.slice(0, MAX_ROWS), matching: matching.length };
}

export function filterAllow(words: readonly string[], text: string): { readonly shown: readonly string[]; readonly matching: number } {
  const matching = words.filter((word) => matchesText(word, text)).sort((a, b) => a.localeCompare(b, 'en-GB'));
  return { shown: matching.slice(0, MAX_ROWS), matching: matching.length };
}

export function filterCustom(words: readonly CustomWord[], filter: TermFilter): CustomWord[] {
  return words.filter((word) => (filter.category === '' || word.kind === 'allow' || word.category === filter.category) && matchesText(word.term, filter.text));
}

/** "Showing 300 of 1,204 matching terms" or "12 matching terms". */
export function countText(shown: number, matching: number, noun: string): string {
  const count = matching.toLocaleString('en-GB');
  return shown < matching
    ? `Showing ${shown.toLocaleString('en-GB')} of ${count} matching ${noun}. Narrow the filter to see the rest.`
    : `${count} matching ${noun}.`;
}
