import { z } from 'zod';
import { categoryIdSchema } from './wordlist.schema.ts';
import { textSchema } from './primitives.schema.ts';
import { TITLE_PATTERN_INPUT_MAX, titlePatternHazard } from './title-pattern-safety.ts';

// The policy an agent enforces: resolved by the collector (site, room, group, time of
// day) and pushed in `welcome` and `policy` messages.

/** Flags every sign-in title pattern is compiled with, by the validator and the agent alike. */
export const TITLE_PATTERN_FLAGS = 'i';

function compilesAsTitlePattern(source: string): boolean {
  try {
    new RegExp(source, TITLE_PATTERN_FLAGS);
    return true;
  } catch {
    return false;
  }
}

/** Compiles validated sign-in title patterns the same way the schema checked them. */
export function compileTitlePatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((source) => new RegExp(source, TITLE_PATTERN_FLAGS));
}

/**
 * Whether a compiled sign-in pattern matches `text` (a window title or URL). Only the
 * first TITLE_PATTERN_INPUT_MAX characters are tested: a page can make its title as long
 * as it likes, and the patterns the schema accepts are safe up to that length.
 */
export function matchesTitlePattern(patterns: readonly RegExp[], text: string): boolean {
  const clipped = text.length > TITLE_PATTERN_INPUT_MAX ? text.slice(0, TITLE_PATTERN_INPUT_MAX) : text;
  return patterns.some((pattern) => pattern.test(clipped));
}

/** A regex source that compiles and cannot make an agent backtrack for long (title-pattern-safety.ts). */
export const titlePatternSchema = textSchema(200, 1).superRefine((source, ctx) => {
  if (!compilesAsTitlePattern(source)) {
    ctx.addIssue({ code: 'custom', message: 'not a valid regular expression' });
    return;
  }
  const hazard = titlePatternHazard(source);
  if (hazard !== undefined) ctx.addIssue({ code: 'custom', message: hazard });
});

export const policySchema = z.object({
  /** Minutes of inactivity before the screen locks; 0 turns idle lock off. */
  idleLockMinutes: z.number().int().min(0).max(240),
  /** How long before an idle lock the user is warned. */
  idleWarningSeconds: z.number().int().min(0).max(300).default(30),
  aupText: textSchema(20_000),
  aupVersion: textSchema(64, 1),
  showAupOnLogin: z.boolean(),
  /** Matching pauses while the focused window title matches one of these (case-insensitive regex sources). */
  signInTitlePatterns: z.array(titlePatternSchema).max(100),
  captureScreenshots: z.boolean(),
  /** Hits in these categories never take a screenshot. */
  noCaptureCategories: z.array(categoryIdSchema).max(200),
  alertCooldownSeconds: z.number().int().min(0).max(86_400),
  heartbeatSeconds: z.number().int().min(5).max(300),
});

export type Policy = z.infer<typeof policySchema>;

const DEFAULT_AUP_TEXT = [
  'This computer is monitored.',
  'The school records the programs and websites you use and checks what you type for words',
  'that suggest you or someone else may be at risk. When something is flagged, a screenshot may',
  'be taken and a member of staff will review it. Use school computers for school work, keep your',
  'password to yourself, and lock the screen when you leave. Ask your teacher if you have questions.',
].join(' ');

// Frozen deeply so no caller can change the default for everyone else.
function deepFreezePolicy(policy: Policy): Readonly<Policy> {
  Object.freeze(policy.signInTitlePatterns);
  Object.freeze(policy.noCaptureCategories);
  return Object.freeze(policy);
}

export const defaultPolicy = deepFreezePolicy({
  idleLockMinutes: 0,
  idleWarningSeconds: 30,
  aupText: DEFAULT_AUP_TEXT,
  aupVersion: '1',
  showAupOnLogin: true,
  signInTitlePatterns: ['sign[ -]?in', 'log[ -]?in', 'password', 'passcode', 'authenticat', '2-step|two-step|verification code', 'unlock'],
  captureScreenshots: true,
  noCaptureCategories: [],
  alertCooldownSeconds: 300,
  heartbeatSeconds: 30,
});
