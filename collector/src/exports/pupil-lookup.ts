import { inArray } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { pupils } from '../db/schema/index.ts';
import { pupilsFor } from '../triage/pupil-match.ts';
import type { ExportPupil } from './incident-facts.ts';

/**
 * The pupil of each alert from the pupil directory (pupils/pupil-match.ts `pupilsFor`, the
 * one matching rule), with the MIS key (UPN, admission number or MIS id) the export's
 * `pupil.upn` carries. Not redacted: the export service only asks once the caller may
 * read the alert's OS user (a restricted alert needs the DSL's reveal first).
 */
export async function directoryPupils(
  db: Db,
  alerts: readonly { id: string; siteId: string; osUser: string | null }[],
): Promise<ReadonlyMap<string, ExportPupil>> {
  const found = await pupilsFor(db, alerts);
  const matched = alerts.flatMap((alert, index) => {
    const pupil = found[index];
    return pupil === null || pupil === undefined ? [] : [{ alertId: alert.id, pupil }];
  });
  if (matched.length === 0) return new Map();
  const keys = await db
    .select({ id: pupils.id, misId: pupils.misId })
    .from(pupils)
    .where(inArray(pupils.id, [...new Set(matched.map(({ pupil }) => pupil.id))]));
  const misIds = new Map(keys.map((row) => [row.id, row.misId]));
  return new Map(
    matched.map(({ alertId, pupil }) => [
      alertId,
      { name: `${pupil.givenName} ${pupil.familyName}`, upn: misIds.get(pupil.id) ?? null, yearGroup: pupil.yearGroup, tutorGroup: pupil.tutorGroup },
    ]),
  );
}
