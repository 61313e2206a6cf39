// How much of a piece of text a reader can actually see. Reasons for revealing restricted
// content or closing a serious alert must say something: eleven zero-width spaces, a row of
// combining accents or Hangul fillers are 11 characters to `String.length` and nothing to
// a reader. Used by the collector (the rule) and the console (the form) alike.

/**
 * Code points that show nothing on their own: white space, controls, format characters
 * (Cf: zero-width space/joiners, bidi marks, soft hyphen, …), default-ignorable code points
 * (variation selectors, Hangul fillers, …), combining marks (they only decorate the
 * character before them), and the blank Braille pattern, which renders as a space.
 */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800]/gu;

/** The number of visible characters (code points) in `text`. */
export function visibleLength(text: string): number {
  let count = 0;
  for (const _ of text.replace(INVISIBLE, '')) count += 1;
  return count;
}

/** The fewest visible characters a reveal reason or a closing reason may have. */
export const MIN_REASON_VISIBLE = 10;

/** Whether `text` is a usable reason: at least MIN_REASON_VISIBLE visible characters. */
export function isReasonEnough(text: string | null | undefined): boolean {
  return text !== null && text !== undefined && visibleLength(text) >= MIN_REASON_VISIBLE;
}

/** What the console shows in place of a field the server withheld. */
export const WITHHELD_LABEL = 'Withheld — restricted category';
