// Merges the custom entries from the database into the list loaded from files. A custom
// entry the merge refuses (e.g. its category was removed from categories.tsv) is left
// out and reported, rather than holding back every later change to the files.
import type { WordlistPayload } from '@vigil/shared';
import { mergeWordlist, wordlistVersion, type WordlistError } from '@vigil/shared/wordlist';
import type { CustomEntries } from './custom-entries.repository.ts';

export interface CompiledWordlist {
  readonly payload: WordlistPayload;
  /** One line per custom entry left out. */
  readonly problems: readonly string[];
}

export function emptyWordlist(): WordlistPayload {
  const content = { categories: [], terms: [], allow: [] };
  return { version: wordlistVersion(content), ...content };
}

function merge(base: WordlistPayload, custom: CustomEntries) {
  return mergeWordlist(base, {
    terms: custom.terms.map(({ term, category, severity, match }) => ({ term, category, severity, match })),
    allow: custom.allow.map((entry) => entry.term),
  });
}

export function compileWordlist(base: WordlistPayload, custom: CustomEntries): CompiledWordlist {
  const first = merge(base, custom);
  if (first.ok) return { payload: first.value, problems: [] };
  // mergeWordlist numbers custom terms 1..n, then allow entries n+1..
  const badTerms = new Set<number>();
  const badAllow = new Set<number>();
  const problems = first.errors.map((error: WordlistError) => {
    const index = error.line - 1;
    const isTerm = index < custom.terms.length;
    const entry = isTerm ? custom.terms[index] : custom.allow[index - custom.terms.length];
    (isTerm ? badTerms : badAllow).add(isTerm ? index : index - custom.terms.length);
    const kind = isTerm ? 'word-list' : 'allow-list';
    return `custom ${kind} entry ${entry?.id ?? `#${error.line}`}: ${error.message} [${error.code}]`;
  });
  const kept: CustomEntries = {
    terms: custom.terms.filter((_, index) => !badTerms.has(index)),
    allow: custom.allow.filter((_, index) => !badAllow.has(index)),
  };
  const second = merge(base, kept);
  if (second.ok) return { payload: second.value, problems };
  return { payload: base, problems: [...problems, 'custom entries could not be merged; the files alone are in force'] };
}
