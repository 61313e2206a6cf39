import { and, eq, sql } from 'drizzle-orm';
import { auditActor, type Actor } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { alerts, screenshots } from '../db/schema/index.ts';

export interface LegalHoldChange {
  readonly alertId: string;
  readonly hold: boolean;
  readonly actor: Actor;
  /** Null: the actor may act on every site; otherwise only alerts of this site are found. */
  readonly siteId: string | null;
  readonly ip?: string | undefined;
}

export interface LegalHoldResult {
  readonly alertId: string;
  readonly legalHold: boolean;
  /** The alert's screenshot's hold afterwards; null when it has none (or it has not arrived). */
  readonly screenshotLegalHold: boolean | null;
}

/**
 * Puts an alert (and its screenshot) under legal hold, or lifts it, audited as
 * `alert.legal-hold` in the same transaction. A screenshot is held while ANY alert
 * that refers to it is held, so lifting one alert's hold keeps a capture another held
 * alert shares. Undefined when there is no such alert (for this actor's site).
 *
 * Locks: the alert row, then the screenshot row, then the screenshot's hold is worked
 * out by a fresh statement, so two alerts sharing a capture changing at once settle
 * on the right answer; the purge takes these locks one table at a time (no deadlock).
 */
export async function setAlertLegalHold(db: Db, change: LegalHoldChange): Promise<LegalHoldResult | undefined> {
  return db.transaction(async (tx) => {
    const [alert] = await tx
      .select({ id: alerts.id, legalHold: alerts.legalHold, siteId: alerts.siteId, screenshotSha256: alerts.screenshotSha256 })
      .from(alerts)
      .where(change.siteId === null ? eq(alerts.id, change.alertId) : and(eq(alerts.id, change.alertId), eq(alerts.siteId, change.siteId)))
      .for('update');
    if (alert === undefined) return undefined;
    await tx.update(alerts).set({ legalHold: change.hold }).where(eq(alerts.id, alert.id));

    let screenshotLegalHold: boolean | null = null;
    const sha256 = alert.screenshotSha256;
    if (sha256 !== null) {
      const [shot] = await tx.select({ sha256: screenshots.sha256 }).from(screenshots).where(eq(screenshots.sha256, sha256)).for('update');
      if (shot !== undefined) {
        const held = await tx.execute<{ held: boolean }>(
          sql`select exists (select 1 from ${alerts} where ${alerts.screenshotSha256} = ${sha256} and ${alerts.legalHold}) as held`,
        );
        screenshotLegalHold = held.rows[0]?.held === true;
        await tx.update(screenshots).set({ legalHold: screenshotLegalHold }).where(eq(screenshots.sha256, sha256));
      }
    }

    await appendAudit(tx, {
      ...auditActor(change.actor),
      action: 'alert.legal-hold',
      targetType: 'alert',
      targetId: alert.id,
      detail: { hold: change.hold, was: alert.legalHold, screenshotSha256: sha256, screenshotLegalHold },
      ip: change.ip ?? null,
    });
    return { alertId: alert.id, legalHold: change.hold, screenshotLegalHold };
  });
}
