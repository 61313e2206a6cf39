// Result types of loading word lists. Loading never throws on bad input: it returns every
// problem found, each naming file and line, and no payload at all (nothing half-loaded).
import type { WordlistPayload } from '../protocol/wordlist.schema.ts';

export const WORDLIST_ERROR_CODES = [
  'no-files',
  'read-failed',
  'bad-utf8',
  'bad-header',
  'column-count',
  'empty-term',
  'term-too-long',
  'unusable-term',
  'unknown-category',
  'bad-category-id',
  'bad-label',
  'bad-severity',
  'bad-match',
  'bad-restricted',
  'duplicate-term',
  'duplicate-category',
  'too-many',
] as const;

export type WordlistErrorCode = (typeof WORDLIST_ERROR_CODES)[number];

export interface WordlistError {
  /** File name as given to the parser (or 'custom' for merged entries); '' when not about one file. */
  file: string;
  /** 1-based line number; 0 when the error is about the file or the load as a whole. */
  line: number;
  code: WordlistErrorCode;
  message: string;
}

export type LoadResult = { ok: true; value: WordlistPayload } | { ok: false; errors: WordlistError[] };

/** One file's name (for messages) and raw bytes. */
export interface WordlistFile {
  name: string;
  bytes: Uint8Array;
}

export function formatWordlistError(e: WordlistError): string {
  const where = e.file === '' ? '' : e.line > 0 ? `${e.file}:${e.line}: ` : `${e.file}: `;
  return `${where}${e.message} [${e.code}]`;
}
