// Reading one TSV table: decode strictly, find and check the header, split the records.
import { utf8DecodeFile, utf8DecodeStrict } from '../protocol/text-codec.ts';
import type { WordlistError } from './wordlist-result.ts';

export interface TsvRow {
  line: number;
  fields: string[];
}

export interface TableSpec {
  /** Header fields every file of this kind has, in order. */
  required: readonly string[];
  /** Optional trailing header fields. */
  optional: readonly string[];
}

export const TERM_TABLE: TableSpec = { required: ['term', 'category', 'severity', 'match'], optional: ['note'] };
export const ALLOW_TABLE: TableSpec = { required: ['term'], optional: ['note'] };
export const CATEGORY_TABLE: TableSpec = { required: ['id', 'label', 'severity', 'restricted'], optional: ['note'] };

function headerText(spec: TableSpec): string {
  return [...spec.required, ...spec.optional.map((f) => `[${f}]`)].join('<TAB>');
}

/** 1-based line holding the first invalid byte: no UTF-8 sequence contains a newline byte. */
function firstBadUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  while (start <= bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline;
    if (utf8DecodeStrict(bytes.subarray(start, end)) === null || newline < 0) return line;
    line++;
    start = end + 1;
  }
  return line;
}

/** Rows of a table, or undefined (with errors pushed) when the file cannot be read as one. */
export function readTable(file: string, bytes: Uint8Array, spec: TableSpec, errors: WordlistError[]): TsvRow[] | undefined {
  const decoded = utf8DecodeFile(bytes);
  if (decoded === null) {
    errors.push({ file, line: firstBadUtf8Line(bytes), code: 'bad-utf8', message: 'invalid UTF-8 (save the file as UTF-8)' });
    return undefined;
  }
  const lines = decoded.split('\n');
  let headerWidth = -1;
  const rows: TsvRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '' || text.startsWith('#')) continue;
    const fields = text.split('\t').map((f) => f.trim());
    if (headerWidth < 0) {
      headerWidth = headerWidthOf(fields, spec);
      if (headerWidth < 0) {
        errors.push({ file, line: i + 1, code: 'bad-header', message: `header must be "${headerText(spec)}", found "${text}"` });
        return undefined;
      }
      continue;
    }
    const min = spec.required.length;
    if (fields.length < min || fields.length > headerWidth) {
      const expected = min === headerWidth ? `${min}` : `${min}–${headerWidth}`;
      errors.push({ file, line: i + 1, code: 'column-count', message: `expected ${expected} tab-separated fields, found ${fields.length}` });
      continue;
    }
    rows.push({ line: i + 1, fields });
  }
  if (headerWidth < 0) {
    errors.push({ file, line: 0, code: 'bad-header', message: `no header line; expected "${headerText(spec)}"` });
    return undefined;
  }
  return rows;
}

function headerWidthOf(fields: readonly string[], spec: TableSpec): number {
  const names = fields.map((f) => f.toLowerCase());
  const all = [...spec.required, ...spec.optional];
  if (names.length < spec.required.length || names.length > all.length) return -1;
  return names.every((n, i) => n === all[i]) ? names.length : -1;
}
