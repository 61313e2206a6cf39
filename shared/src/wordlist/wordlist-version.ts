// The version of a compiled word list: hex sha256 over a canonical serialisation, so the
// same content always has the same version whatever the file order or layout, and agents
// can skip a re-compile when the version they hold is current.
import type { Category, TermEntry } from '../protocol/wordlist.schema.ts';
import { sha256Hex } from './sha256.ts';

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function wordlistVersion(content: { categories: readonly Category[]; terms: readonly TermEntry[]; allow: readonly string[] }): string {
  const categories = [...content.categories].sort((a, b) => byKey(a.id, b.id)).map((c) => [c.id, c.label, c.severity, c.restricted]);
  const terms = content.terms
    .map((t) => [t.category, t.term, t.match, t.severity] as const)
    .sort((a, b) => byKey(a[0], b[0]) || byKey(a[1], b[1]) || byKey(a[2], b[2]) || a[3] - b[3]);
  const allow = [...new Set(content.allow)].sort(byKey);
  return sha256Hex(JSON.stringify({ v: 1, categories, terms, allow }));
}
