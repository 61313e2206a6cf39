import { z } from 'zod';
import { alertSummarySchema } from './console-api.schema.ts';
import { pupilRefSchema } from './pupil-ref.schema.ts';

// The pupil directory (issue #12 item 1), implemented in collector/src/pupils: a CSV from
// the school's MIS is previewed with a proposed column mapping, then imported with the
// mapping the admin confirmed. Pupil names are personal data: the console shows them as
// text, and an alert's pupil is withheld together with its OS user.

const idSchema = z.string().min(1).max(64);
const isoSchema = z.iso.datetime({ offset: true });

/** What a CSV column can be mapped to (`ignore`: not imported). */
export const pupilFieldSchema = z.enum([
  'ignore',
  'misId',
  'givenName',
  'familyName',
  /** Used where the preferred name (givenName / familyName) is blank. */
  'legalGivenName',
  'legalFamilyName',
  'fullName',
  'yearGroup',
  'tutorGroup',
  'classes',
  'osUsername',
  'googleAccount',
  'microsoftAccount',
]);
export type PupilField = z.infer<typeof pupilFieldSchema>;

/** A problem with one row (row numbers count the header as row 1, as a spreadsheet does). */
export const importProblemSchema = z.object({
  row: z.number().int().nullable(),
  code: z.enum([
    'missing-key',
    'missing-name',
    'duplicate-row',
    'conflicting-row',
    'duplicate-username',
    'username-taken',
    'bad-year-group',
    'bad-username',
    'unknown-column',
    'ragged-row',
    'unclosed-quote',
  ]),
  message: z.string(),
});
export type ImportProblem = z.infer<typeof importProblemSchema>;

const csvBody = {
  siteId: idSchema,
  fileName: z.string().max(255).optional(),
  /** The file's text (UTF-8; a BOM is fine). */
  csv: z
    .string()
    .min(1)
    .max(8 * 1024 * 1024),
};

/** POST /api/pupils/import/preview; `mapping` (one field per column) re-reads the rows with the admin's choice instead of the proposal. */
export const pupilImportPreviewRequestSchema = z.strictObject({ ...csvBody, mapping: z.array(pupilFieldSchema).max(500).optional() });

export const mappedPupilSchema = z.object({
  row: z.number().int(),
  misId: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  yearGroup: z.string().nullable(),
  tutorGroup: z.string().nullable(),
  classes: z.array(z.string()),
  accounts: z.array(z.object({ kind: z.enum(['os', 'google', 'microsoft']), username: z.string() })),
});
export type MappedPupil = z.infer<typeof mappedPupilSchema>;

export const pupilImportPreviewSchema = z.object({
  delimiter: z.enum([',', ';', '\t']),
  columns: z.array(z.object({ index: z.number().int(), header: z.string(), proposed: pupilFieldSchema, samples: z.array(z.string()) })),
  /** One field per column, in column order. */
  mapping: z.array(pupilFieldSchema),
  rowCount: z.number().int(),
  /** The first 20 pupils as the mapping reads them. */
  rows: z.array(mappedPupilSchema),
  problems: z.array(importProblemSchema),
});
export type PupilImportPreview = z.infer<typeof pupilImportPreviewSchema>;

/** POST /api/pupils/import: the same file with the mapping the admin confirmed. */
export const pupilImportRequestSchema = z.strictObject({
  ...csvBody,
  mapping: z.array(pupilFieldSchema).max(500),
  /** A full import marks pupils missing from the file as left (default true). */
  full: z.boolean().default(true),
});
export type PupilImportRequest = z.input<typeof pupilImportRequestSchema>;

export const pupilImportResultSchema = z.object({
  runId: z.string(),
  rows: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  left: z.number().int(),
  problems: z.array(importProblemSchema),
});
export type PupilImportResult = z.infer<typeof pupilImportResultSchema>;

export const pupilRowSchema = pupilRefSchema.extend({
  siteId: z.string(),
  misId: z.string(),
  classes: z.array(z.string()),
  status: z.enum(['active', 'left']),
  leftAt: isoSchema.nullable(),
  accounts: z.array(z.object({ kind: z.enum(['os', 'google', 'microsoft']), username: z.string() })),
});
export type PupilRow = z.infer<typeof pupilRowSchema>;

/** GET /api/pupils?q&status&siteId */
export const pupilListQuerySchema = z.object({
  q: z.string().max(100).optional(),
  status: z.enum(['active', 'left', 'all']).default('active'),
  siteId: idSchema.optional(),
});
export const pupilListResponseSchema = z.object({ pupils: z.array(pupilRowSchema), total: z.number().int() });
export type PupilListResponse = z.infer<typeof pupilListResponseSchema>;

/** GET /api/pupils/unmatched: user names seen in the last 30 days that no pupil account matches. */
export const unmatchedUsernamesResponseSchema = z.object({
  usernames: z.array(
    z.object({ siteId: z.string(), username: z.string(), source: z.enum(['alert', 'activity', 'profile']), lastSeenAt: isoSchema, count: z.number().int() }),
  ),
});
export type UnmatchedUsernamesResponse = z.infer<typeof unmatchedUsernamesResponseSchema>;

/** GET /api/pupils/:pupilId: the pupil and every alert matched to them, newest first, across devices. */
export const pupilPageResponseSchema = z.object({ pupil: pupilRowSchema, alerts: z.array(alertSummarySchema), truncated: z.boolean() });
export type PupilPageResponse = z.infer<typeof pupilPageResponseSchema>;
