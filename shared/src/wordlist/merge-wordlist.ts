// Merges custom entries (kept in the collector's database, edited from the console) into
// a loaded word list. A custom term with the same normalised form and category as a list
// term replaces it (that is how a school re-grades one of our terms); a custom category
// with a known id replaces it. The result has a fresh version.
import { categorySchema, termEntrySchema, type Category, type TermEntry, type WordlistPayload } from '../protocol/wordlist.schema.ts';
import { termKeyer } from '../matcher/term-patterns.ts';
import type { LoadResult, WordlistError } from './wordlist-result.ts';
import { wordlistVersion } from './wordlist-version.ts';

export interface WordlistExtra {
  categories?: readonly Category[];
  terms?: readonly TermEntry[];
  allow?: readonly string[];
}

const SOURCE = 'custom';

export function mergeWordlist(base: WordlistPayload, extra: WordlistExtra): LoadResult {
  const errors: WordlistError[] = [];
  const categories = new Map(base.categories.map((c) => [c.id, c]));
  (extra.categories ?? []).forEach((c, i) => {
    if (categorySchema.safeParse(c).success) categories.set(c.id, c);
    else errors.push({ file: SOURCE, line: i + 1, code: 'bad-category-id', message: `custom category "${c.id}" is invalid` });
  });
  const extraTerms = extra.terms ?? [];
  const allow = [...base.allow, ...(extra.allow ?? [])];
  const key = termKeyer([...base.terms.map((t) => t.term), ...extraTerms.map((t) => t.term), ...allow]);
  const byKey = new Map<string, TermEntry>();
  for (const t of base.terms) byKey.set(`${t.category}\u0000${key(t.term)}`, t);
  extraTerms.forEach((t, i) => {
    const at = { file: SOURCE, line: i + 1 };
    if (!termEntrySchema.safeParse(t).success) {
      errors.push({ ...at, code: 'bad-severity', message: `custom term "${t.term}" is invalid (term 1–200 chars, severity 1–5, match word|phrase|substring)` });
    } else if (!categories.has(t.category)) {
      errors.push({ ...at, code: 'unknown-category', message: `custom term "${t.term}" has unknown category "${t.category}"` });
    } else if (key(t.term) === '') {
      errors.push({ ...at, code: 'unusable-term', message: `custom term "${t.term}" has no letters or digits left after normalisation` });
    } else {
      byKey.set(`${t.category}\u0000${key(t.term)}`, t);
    }
  });
  (extra.allow ?? []).forEach((a, i) => {
    if (a.trim() === '' || key(a) === '') {
      errors.push({ file: SOURCE, line: extraTerms.length + i + 1, code: 'empty-term', message: `allow-list entry "${a}" is empty after normalisation` });
    }
  });
  if (errors.length > 0) return { ok: false, errors };
  const content = { categories: [...categories.values()], terms: [...byKey.values()], allow: [...new Set(allow)] };
  return { ok: true, value: { version: wordlistVersion(content), ...content } };
}
