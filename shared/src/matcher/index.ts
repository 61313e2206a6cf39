// @vigil/shared matcher: obfuscation-proof matching of word lists in typed text, window
// titles and URLs. See README.md in this folder for the normalisation rules.
export { compile, type CompiledMatcher, type MatcherSource } from './compile.ts';
export { scanText } from './scan-text.ts';
export { KeyStream } from './key-stream.ts';
export { FoldedKeyStream, foldHits, scanFolded, type FoldedHit, type FoldedTerm } from './fold.ts';
export { NO_HITS, compareHits, type HitSource, type MatchHit } from './hits.ts';
export { CONTEXT_MAX, contextAround, redactContext } from './context.ts';
export { termKeyer } from './term-patterns.ts';
export { classifyCodePoint, foldCase, foldCompat, isApostrophe, isInvisible, isLineBreak, leetLetter, type CharClass } from './normalise-rules.ts';
export { mapConfusables } from './confusables.ts';
export { visitPercentDecoded } from './url-decode.ts';
