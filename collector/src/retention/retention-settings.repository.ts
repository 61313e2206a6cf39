import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { auditLog, retentionDataClasses, retentionSettings, type RetentionDataClass } from '../db/schema/index.ts';
import { defaultRetentionDays } from './retention-defaults.ts';

export interface RetentionRule {
  readonly dataClass: RetentionDataClass;
  readonly days: number;
  /** The whole class is exempt from purging (set in the database; see retention.schema.ts). */
  readonly legalHold: boolean;
  /** False: no row, the default from retention-defaults.ts applies. */
  readonly customised: boolean;
}

/** Every class, in the schema's order, with its period (the default where none is set). */
export async function readRetentionRules(db: Pick<Db, 'select'>): Promise<RetentionRule[]> {
  const rows = await db.select().from(retentionSettings);
  return retentionDataClasses.map((dataClass) => {
    const row = rows.find((candidate) => candidate.dataClass === dataClass);
    return row === undefined
      ? { dataClass, days: defaultRetentionDays[dataClass], legalHold: false, customised: false }
      : { dataClass, days: row.days, legalHold: row.legalHold, customised: true };
  });
}

// `excluded.x`: the value the conflicting INSERT proposed.
const sqlExcluded = (column: string) => sql.raw(`excluded.${column}`);

/** Sets the period of the given classes (others unchanged); keeps each class's legal hold. */
export async function saveRetentionDays(
  db: Pick<Db, 'insert'>,
  rules: ReadonlyArray<{ dataClass: RetentionDataClass; days: number }>,
  updatedBy: string | null,
  now: Date,
): Promise<void> {
  if (rules.length === 0) return;
  await db
    .insert(retentionSettings)
    .values(rules.map((rule) => ({ dataClass: rule.dataClass, days: rule.days, updatedBy, updatedAt: now })))
    .onConflictDoUpdate({
      target: retentionSettings.dataClass,
      set: { days: sqlExcluded('days'), updatedBy: sqlExcluded('updated_by'), updatedAt: sqlExcluded('updated_at') },
    });
}

/** The audit action every purge run writes; `detail.purged` lists the classes it finished. */
export const purgeAuditAction = 'retention.purge';

/**
 * When each class was last purged, from the purge runs' own audit entries (the one
 * record nobody can rewrite), read through the target index: purges are a few a day,
 * so the newest 200 reach back weeks. A class a run did not finish (class-wide legal
 * hold, or the run failed first) keeps its previous time.
 */
export async function lastPurgeTimes(db: Pick<Db, 'select'>): Promise<Map<RetentionDataClass, Date>> {
  const runs = await db
    .select({ at: auditLog.at, detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.targetType, 'retention'), eq(auditLog.targetId, 'purge'), eq(auditLog.action, purgeAuditAction)))
    .orderBy(desc(auditLog.at))
    .limit(200);
  const times = new Map<RetentionDataClass, Date>();
  for (const dataClass of retentionDataClasses) {
    const run = runs.find((candidate) => purgedIn(candidate.detail, dataClass));
    if (run !== undefined) times.set(dataClass, run.at);
  }
  return times;
}

function purgedIn(detail: Record<string, unknown> | null, dataClass: RetentionDataClass): boolean {
  const purged = detail?.purged;
  return Array.isArray(purged) && purged.includes(dataClass);
}
