import { z } from 'zod';

// Wire formats of the retention routes that the console contract
// (@vigil/shared/console) does not have yet. Move them there when the console calls them.

/** PUT /api/alerts/:alertId/legal-hold */
export const legalHoldRequestSchema = z.strictObject({ hold: z.boolean() });
export const legalHoldResponseSchema = z.object({
  alertId: z.string(),
  legalHold: z.boolean(),
  /** The alert's screenshot's hold now (held while any held alert refers to it); null: no screenshot stored. */
  screenshotLegalHold: z.boolean().nullable(),
});
export type LegalHoldResponse = z.infer<typeof legalHoldResponseSchema>;

const countsSchema = z.object({
  activitySpans: z.number().int(),
  activityPartitions: z.number().int(),
  alerts: z.number().int(),
  falsePositives: z.number().int(),
  alertEvents: z.number().int(),
  screenshots: z.number().int(),
  blobs: z.number().int(),
  idleLockEvents: z.number().int(),
  pupilLeavers: z.number().int(),
  sessions: z.number().int(),
});

/** POST /api/retention/purge → the run's report (the same as its `retention.purge` audit entry's detail). */
export const purgeResponseSchema = z.object({
  trigger: z.enum(['startup', 'schedule', 'manual']),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
  cutoffs: z.record(z.string(), z.iso.datetime({ offset: true })),
  deleted: countsSchema,
  purged: z.array(z.string()),
  held: z.array(z.string()),
  errors: z.array(z.string()),
});
export type PurgeResponse = z.infer<typeof purgeResponseSchema>;
