// Word-list files (given as bytes) → one validated WordlistPayload, or every error found.
//
// Folder mode: `categories.tsv` defines the categories; every other term file's category
// must be one of them. Single-file mode (no `categories.tsv` given): the categories a file
// names are accepted as they are, with label = id, severity = the highest severity of its
// terms, and restricted = yes only for the ids in RESTRICTED_BY_DEFAULT.
// In any term file the reserved category `allow` puts the term on the allow-list, so a
// single file can carry its own allow-list.
import { categoryIdSchema, type Category, type MatchKind, type TermEntry, type WordlistPayload } from '../protocol/wordlist.schema.ts';
import { termKeyer } from '../matcher/term-patterns.ts';
import { ALLOW_TABLE, CATEGORY_TABLE, TERM_TABLE, readTable, type TsvRow } from './tsv-table.ts';
import type { LoadResult, WordlistError, WordlistFile } from './wordlist-result.ts';
import { wordlistVersion } from './wordlist-version.ts';

export const CATEGORIES_FILE = 'categories.tsv';
export const ALLOW_FILE = 'allow.tsv';
export const ALLOW_CATEGORY = 'allow';
/** Categories that are restricted when a single file names them without a categories.tsv. */
export const RESTRICTED_BY_DEFAULT: ReadonlySet<string> = new Set([
  'self-harm',
  'suicide',
  'eating-disorders',
  'abuse',
  'grooming',
  'cse',
  'child-sexual-exploitation',
  'sexual-content',
  'pornography',
  'nudity',
]);

const MATCH_KINDS: readonly MatchKind[] = ['word', 'phrase', 'substring'];
const MAX_TERMS = 100_000;
const MAX_CATEGORIES = 200;
const MAX_TERM_LENGTH = 200;

interface Located {
  file: string;
  line: number;
}
type TermRow = TermEntry & Located;
type AllowRow = { term: string } & Located;

export function baseName(name: string): string {
  return name.split(/[\\/]/).pop() ?? name;
}

export function parseWordlistFiles(files: readonly WordlistFile[]): LoadResult {
  const errors: WordlistError[] = [];
  if (files.length === 0) return { ok: false, errors: [{ file: '', line: 0, code: 'no-files', message: 'no .tsv files to load' }] };
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const catFile = sorted.find((f) => baseName(f.name) === CATEGORIES_FILE);
  const categories = catFile === undefined ? undefined : parseCategories(catFile, errors);
  const allow: AllowRow[] = [];
  const terms: TermRow[] = [];
  for (const f of sorted) {
    if (f === catFile) continue;
    if (baseName(f.name) === ALLOW_FILE) {
      for (const row of readTable(f.name, f.bytes, ALLOW_TABLE, errors) ?? []) {
        const term = row.fields[0] ?? '';
        if (checkTerm(term, f.name, row.line, errors)) allow.push({ term, file: f.name, line: row.line });
      }
    } else {
      for (const row of readTable(f.name, f.bytes, TERM_TABLE, errors) ?? []) {
        parseTermRow(row, f.name, categories, terms, allow, errors);
      }
    }
  }
  const finalCategories = categories === undefined ? inferCategories(terms, errors) : [...categories.values()].map((c) => c.category);
  checkDuplicates(terms, allow, errors);
  if (terms.length > MAX_TERMS) errors.push({ file: '', line: 0, code: 'too-many', message: `${terms.length} terms; at most ${MAX_TERMS}` });
  if (allow.length > MAX_TERMS) errors.push({ file: '', line: 0, code: 'too-many', message: `${allow.length} allow-list entries; at most ${MAX_TERMS}` });
  if (finalCategories.length > MAX_CATEGORIES) {
    errors.push({ file: '', line: 0, code: 'too-many', message: `${finalCategories.length} categories; at most ${MAX_CATEGORIES}` });
  }
  if (errors.length > 0) {
    errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    return { ok: false, errors };
  }
  const content = {
    categories: finalCategories,
    terms: terms.map(({ term, category, severity, match }) => ({ term, category, severity, match })),
    allow: [...new Set(allow.map((a) => a.term))],
  };
  const value: WordlistPayload = { version: wordlistVersion(content), ...content };
  return { ok: true, value };
}

function parseCategories(file: WordlistFile, errors: WordlistError[]): Map<string, { category: Category } & Located> {
  const out = new Map<string, { category: Category } & Located>();
  for (const { line, fields } of readTable(file.name, file.bytes, CATEGORY_TABLE, errors) ?? []) {
    const [id = '', label = '', sev = '', restricted = ''] = fields;
    const at = { file: file.name, line };
    let ok = true;
    if (!categoryIdSchema.safeParse(id).success || id === ALLOW_CATEGORY) {
      errors.push({ ...at, code: 'bad-category-id', message: `category id "${id}" must be lower-case kebab case (^[a-z][a-z0-9-]{1,39}$) and not "allow"` });
      ok = false;
    }
    if (label === '' || label.length > 80) {
      errors.push({ ...at, code: 'bad-label', message: 'label must be 1–80 characters' });
      ok = false;
    }
    const severity = parseSeverity(sev);
    if (severity === undefined) {
      errors.push({ ...at, code: 'bad-severity', message: `severity "${sev}" must be an integer 1–5` });
      ok = false;
    }
    const r = restricted.toLowerCase();
    if (r !== 'yes' && r !== 'no') {
      errors.push({ ...at, code: 'bad-restricted', message: `restricted "${restricted}" must be yes or no` });
      ok = false;
    }
    const first = out.get(id);
    if (first !== undefined) {
      errors.push({ ...at, code: 'duplicate-category', message: `category "${id}" already defined at line ${first.line}` });
      ok = false;
    }
    if (ok && severity !== undefined) out.set(id, { category: { id, label, severity, restricted: r === 'yes' }, ...at });
  }
  return out;
}

function parseTermRow(
  row: TsvRow,
  file: string,
  categories: Map<string, { category: Category }> | undefined,
  terms: TermRow[],
  allow: AllowRow[],
  errors: WordlistError[],
): void {
  const [term = '', category = '', sev = '', matchField = ''] = row.fields;
  const at = { file, line: row.line };
  if (!checkTerm(term, file, row.line, errors)) return;
  if (category === ALLOW_CATEGORY) {
    allow.push({ term, ...at });
    return;
  }
  let ok = true;
  const known = categories?.get(category);
  if (categories !== undefined && known === undefined) {
    errors.push({ ...at, code: 'unknown-category', message: `unknown category "${category}" (not in ${CATEGORIES_FILE})` });
    ok = false;
  } else if (categories === undefined && !categoryIdSchema.safeParse(category).success) {
    errors.push({ ...at, code: 'bad-category-id', message: `category "${category}" must be lower-case kebab case (^[a-z][a-z0-9-]{1,39}$)` });
    ok = false;
  }
  // An empty severity takes the category's default (which only categories.tsv provides).
  const severity = sev === '' ? known?.category.severity : parseSeverity(sev);
  const unknownCategory = categories !== undefined && known === undefined;
  if (severity === undefined && !(sev === '' && unknownCategory)) {
    const message = sev === '' ? `severity missing and no ${CATEGORIES_FILE} default to take` : `severity "${sev}" must be an integer 1–5`;
    errors.push({ ...at, code: 'bad-severity', message });
    ok = false;
  }
  const match = matchField === '' ? 'word' : MATCH_KINDS.find((k) => k === matchField.toLowerCase());
  if (match === undefined) {
    errors.push({ ...at, code: 'bad-match', message: `match "${matchField}" must be word, phrase or substring` });
    ok = false;
  }
  if (ok && severity !== undefined && match !== undefined) terms.push({ term, category, severity, match, ...at });
}

function checkTerm(term: string, file: string, line: number, errors: WordlistError[]): boolean {
  if (term === '') {
    errors.push({ file, line, code: 'empty-term', message: 'empty term' });
    return false;
  }
  if (term.length > MAX_TERM_LENGTH) {
    errors.push({ file, line, code: 'term-too-long', message: `term longer than ${MAX_TERM_LENGTH} characters` });
    return false;
  }
  return true;
}

function parseSeverity(text: string): number | undefined {
  return /^[1-5]$/.test(text) ? Number(text) : undefined;
}

function inferCategories(terms: readonly TermRow[], errors: WordlistError[]): Category[] {
  const severity = new Map<string, number>();
  for (const t of terms) severity.set(t.category, Math.max(severity.get(t.category) ?? 1, t.severity));
  if (terms.length === 0 && errors.length === 0) {
    errors.push({ file: '', line: 0, code: 'no-files', message: 'no terms found' });
  }
  return [...severity.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, sev]) => ({ id, label: id, severity: sev, restricted: RESTRICTED_BY_DEFAULT.has(id) }));
}

// The same term twice in one category (after normalisation: "Kill", "kil" and "k i l l" are
// one term) is an error; so is a term that normalises to nothing and could never match.
function checkDuplicates(terms: readonly TermRow[], allow: readonly AllowRow[], errors: WordlistError[]): void {
  const key = termKeyer([...terms.map((t) => t.term), ...allow.map((a) => a.term)]);
  const seen = new Map<string, Located>();
  for (const t of terms) {
    const k = key(t.term);
    if (k === '') {
      errors.push({ file: t.file, line: t.line, code: 'unusable-term', message: `"${t.term}" has no letters or digits left after normalisation` });
      continue;
    }
    const id = `${t.category}\u0000${k}`;
    const first = seen.get(id);
    if (first !== undefined) {
      errors.push({
        file: t.file,
        line: t.line,
        code: 'duplicate-term',
        message: `"${t.term}" in ${t.category} duplicates ${first.file}:${first.line} (both normalise to "${k}")`,
      });
    } else {
      seen.set(id, t);
    }
  }
  for (const a of allow) {
    if (key(a.term) === '') {
      errors.push({ file: a.file, line: a.line, code: 'unusable-term', message: `"${a.term}" has no letters or digits left after normalisation` });
    }
  }
}
