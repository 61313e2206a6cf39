import { z } from 'zod';

// The word-list shapes travel in the `wordlist` message and are what the loader
// (`../wordlist/`) produces from TSV files, so both sides share one definition.

export const categoryIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'category id: lower-case letters, digits, hyphens');

export const severitySchema = z.number().int().min(1).max(5);

export const matchKindSchema = z.enum(['word', 'phrase', 'substring']);

export const categorySchema = z.object({
  id: categoryIdSchema,
  label: z.string().min(1).max(80),
  severity: severitySchema,
  /** Captures in a restricted category stay blurred until a DSL reveals them. */
  restricted: z.boolean(),
});

export const termEntrySchema = z.object({
  term: z.string().min(1).max(200),
  category: categoryIdSchema,
  severity: severitySchema,
  match: matchKindSchema,
});

export const wordlistPayloadSchema = z.object({
  /** Hex sha256 over the canonical content; agents compare it to skip re-compiles. */
  version: z.string().regex(/^[0-9a-f]{64}$/),
  categories: z.array(categorySchema).max(200),
  terms: z.array(termEntrySchema).max(100_000),
  allow: z.array(z.string().min(1).max(200)).max(100_000),
});

export type CategoryId = z.infer<typeof categoryIdSchema>;
export type Severity = z.infer<typeof severitySchema>;
export type MatchKind = z.infer<typeof matchKindSchema>;
export type Category = z.infer<typeof categorySchema>;
export type TermEntry = z.infer<typeof termEntrySchema>;
export type WordlistPayload = z.infer<typeof wordlistPayloadSchema>;
