import { incidentSchemaVersion, type IncidentRecord, type TimelineResponse } from '@vigil/shared/console';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { AuthUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { alerts, auditLog, sites, type AlertTermRow } from '../db/schema/index.ts';
import type { AuditLogRow } from '../audit/audit-query.repository.ts';
import { findScreenshot, type ScreenshotRow } from '../evidence/screenshots.repository.ts';
import { eventsOf, type AlertEventRow, type AlertRow } from '../triage/alerts.repository.ts';
import type { AlertScope } from '../triage/alert-scope.ts';
import type { CategoryCatalog } from '../triage/category-catalog.ts';
import { revealAction } from '../triage/screenshot-reveal.repository.ts';
import { timelineAround } from '../triage/timeline.repository.ts';
import { capturePossiblyIndecent } from './indecent-categories.ts';

/** A pupil as an export names them (from the pupil directory). */
export interface ExportPupil {
  readonly name: string;
  /** The MIS key the directory matched on (UPN, admission number or MIS id). */
  readonly upn: string | null;
  readonly yearGroup: string | null;
  readonly tutorGroup: string | null;
}

/** Who each alert belongs to, by alert id (alerts whose login matches no pupil are absent). */
export type PupilLookup = (
  db: Db,
  alerts: readonly { readonly id: string; readonly siteId: string; readonly osUser: string | null }[],
) => Promise<ReadonlyMap<string, ExportPupil>>;

/** The capture, as far as an export may use it. */
export interface CaptureFacts {
  readonly sha256: string;
  /** Null while the bytes have not arrived from the PC. */
  readonly stored: ScreenshotRow | null;
  /** True: possibly indecent, never copied out (indecent-categories.ts). */
  readonly withheld: boolean;
}

/** Everything an export of one alert is made from. Text is in clear: the caller checked the reveal. */
export interface IncidentFacts {
  readonly alert: AlertRow;
  readonly siteName: string;
  readonly categoryLabel: string;
  readonly restricted: boolean;
  readonly events: readonly AlertEventRow[];
  readonly reveals: readonly AuditLogRow[];
  /** Every audit entry about this alert, oldest first (the bundle's audit.csv). */
  readonly audit: readonly AuditLogRow[];
  readonly timeline: TimelineResponse;
  readonly capture: CaptureFacts | null;
  readonly pupil: ExportPupil | null;
  /** The alert's legal hold before this export. */
  readonly legalHold: boolean;
  readonly exportedAt: Date;
  readonly exportedBy: AuthUser;
}

export interface FactsContext {
  readonly db: Db;
  readonly catalog: CategoryCatalog;
  readonly caller: { readonly user: AuthUser; readonly scope: AlertScope };
  readonly pupils: PupilLookup;
  readonly now: Date;
}

/** Gathers the facts of each alert (already in the caller's reach), in the order given. */
export async function incidentFacts(context: FactsContext, alertRows: readonly AlertRow[]): Promise<IncidentFacts[]> {
  const { db, catalog, caller } = context;
  const ids = alertRows.map((row) => row.id);
  const [siteRows, holdRows, auditRows, pupilsByAlert] = await Promise.all([
    db.select({ id: sites.id, name: sites.name }).from(sites),
    ids.length === 0 ? Promise.resolve([]) : db.select({ id: alerts.id, legalHold: alerts.legalHold }).from(alerts).where(inArray(alerts.id, ids)),
    ids.length === 0
      ? Promise.resolve([])
      : db
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.targetType, 'alert'), inArray(auditLog.targetId, ids)))
          .orderBy(asc(auditLog.at), asc(auditLog.id)),
    context.pupils(db, alertRows),
  ]);
  const siteNames = new Map(siteRows.map((site) => [site.id, site.name]));
  const held = new Set(holdRows.filter((row) => row.legalHold).map((row) => row.id));
  const facts: IncidentFacts[] = [];
  for (const alert of alertRows) {
    const audit = auditRows.filter((row) => row.targetId === alert.id);
    const category = catalog.facts(alert.category);
    let capture: CaptureFacts | null = null;
    if (alert.screenshotSha256 !== null) {
      const stored = await findScreenshot(db, alert.screenshotSha256);
      capture = { sha256: alert.screenshotSha256, stored: stored ?? null, withheld: capturePossiblyIndecent(alert.category, catalog) };
    }
    facts.push({
      alert,
      siteName: siteNames.get(alert.siteId) ?? alert.siteId,
      categoryLabel: category.label,
      restricted: category.restricted,
      events: await eventsOf(db, alert.id),
      reveals: audit.filter((row) => row.action === revealAction),
      audit,
      timeline: await timelineAround(db, caller, alert, catalog),
      capture,
      pupil: pupilsByAlert.get(alert.id) ?? null,
      legalHold: held.has(alert.id),
      exportedAt: context.now,
      exportedBy: caller.user,
    });
  }
  return facts;
}

const sourceWords: Record<AlertRow['source'], string> = { typed: 'Typed', title: 'In a window title', url: 'In a web address' };

/** "Typed on <device> in <app>: '<context>' matched <term> (<category>)". */
export function describeIncident(facts: IncidentFacts): string {
  const { alert } = facts;
  const app = alert.app === null ? '' : ` in ${alert.app}`;
  const text = alert.context ?? alert.windowTitle ?? alert.url;
  const quoted = text === null ? '' : `: '${text}'`;
  return `${sourceWords[alert.source]} on ${alert.hostname}${app}${quoted} matched "${alert.term}" (${facts.categoryLabel}).`;
}

function eventNote(event: AlertEventRow): string | null {
  if (event.kind === 'status') {
    const change = `${event.fromStatus ?? '?'} → ${event.toStatus ?? '?'}`;
    return event.note === null ? change : `${change}: ${event.note}`;
  }
  return event.note;
}

function revealReason(row: AuditLogRow): string {
  const reason = row.detail?.['reason'];
  return typeof reason === 'string' ? reason : '';
}

/** The record (schema `vigil.incident/1`) of one alert. */
export function incidentRecord(facts: IncidentFacts): IncidentRecord {
  const { alert, capture } = facts;
  const staff = new Map<string, { name: string; role: string }>();
  const link = (name: string, role: string) => staff.set(`${role}\u0000${name}`, { name, role });
  if (alert.assigneeName !== null) link(alert.assigneeName, 'assigned');
  for (const event of facts.events) if (event.actorLabel !== 'system') link(event.actorLabel, 'actioned');
  for (const reveal of facts.reveals) link(reveal.actorLabel, 'revealed');
  link(facts.exportedBy.displayName, 'exported');
  const terms: readonly AlertTermRow[] = alert.terms ?? [{ term: alert.term, category: alert.category, severity: alert.severity }];
  return {
    schema: incidentSchemaVersion,
    incidentId: alert.id,
    category: { id: alert.category, label: facts.categoryLabel },
    severity: alert.severity,
    restricted: facts.restricted,
    status: alert.status,
    occurredAt: alert.ts.toISOString(),
    recordedAt: alert.receivedAt.toISOString(),
    pupil: facts.pupil,
    osUser: alert.osUser,
    location: { site: facts.siteName, room: alert.roomName, device: alert.hostname },
    where: { app: alert.app, windowTitle: alert.windowTitle, url: alert.url },
    flagged: {
      source: alert.source,
      term: alert.term,
      terms: terms.map(({ term, category, severity }) => ({ term, category, severity })),
      context: alert.context,
    },
    description: describeIncident(facts),
    actions: facts.events.map((event) => ({ at: event.at.toISOString(), by: event.actorLabel, kind: event.kind, note: eventNote(event) })),
    linkedStaff: [...staff.values()],
    reveals: facts.reveals.map((row) => ({ at: row.at.toISOString(), by: row.actorLabel, reason: revealReason(row) })),
    evidence:
      capture === null
        ? []
        : [
            {
              kind: 'screenshot',
              sha256: capture.sha256,
              bytes: capture.stored?.bytes ?? null,
              mime: capture.stored?.mime ?? null,
              withheld: capture.withheld,
            },
          ],
    // An export that withholds a capture puts it under legal hold (export.service.ts).
    legalHold: facts.legalHold || (capture?.withheld ?? false),
    exportedAt: facts.exportedAt.toISOString(),
    exportedBy: facts.exportedBy.displayName,
  };
}
