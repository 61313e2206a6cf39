import type { Access } from '../auth/access-rules.ts';
import type { UserRole } from '../db/schema/users.schema.ts';

// Role lists spelled out here (access-rules.ts imports this file: no value import back).

/** IT keeps the directory up to date. */
const importers: readonly UserRole[] = ['technician', 'admin'];
/** The directory list: IT, and the DSL looking a child up. */
const directoryReaders: readonly UserRole[] = ['technician', 'dsl', 'admin'];
/** A pupil's page holds their alerts over time: the DSL (and admins). */
const pupilPageReaders: readonly UserRole[] = ['dsl', 'admin'];

/**
 * The pupil directory's lines of the access table (auth/access-rules.ts merges them).
 * Teachers get no route here: they see a pupil's name only on their own rooms' live tiles.
 */
export const pupilsAccessRules: Readonly<Record<string, Access>> = {
  'POST /api/pupils/import/preview': importers,
  'POST /api/pupils/import': importers,
  'GET /api/pupils': directoryReaders,
  'GET /api/pupils/unmatched': importers,
  'GET /api/pupils/:pupilId': pupilPageReaders,
};
