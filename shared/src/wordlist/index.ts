// Word-list format: parsing TSV bytes into a validated WordlistPayload, merging custom
// entries, and the content version. Reading files is the caller's job (the collector uses
// node:fs; see collector/src/wordlists/wordlist-files.ts).
export { ALLOW_CATEGORY, ALLOW_FILE, CATEGORIES_FILE, RESTRICTED_BY_DEFAULT, parseWordlistFiles } from './parse-wordlists.ts';
export { mergeWordlist, type WordlistExtra } from './merge-wordlist.ts';
export { wordlistVersion } from './wordlist-version.ts';
export { sha256Hex } from './sha256.ts';
export {
  WORDLIST_ERROR_CODES,
  formatWordlistError,
  type LoadResult,
  type WordlistError,
  type WordlistErrorCode,
  type WordlistFile,
} from './wordlist-result.ts';
