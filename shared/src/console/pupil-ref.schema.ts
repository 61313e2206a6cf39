import { z } from 'zod';

// Kept apart from pupils.schema.ts so console-api.schema.ts can use it without an import cycle.

/** Who an alert / a tile belongs to, as shown beside it. */
export const pupilRefSchema = z.object({
  id: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  yearGroup: z.string().nullable(),
  tutorGroup: z.string().nullable(),
});
export type PupilRef = z.infer<typeof pupilRefSchema>;
