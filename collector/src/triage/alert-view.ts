import type { AlertEvent, AlertSummary } from '@vigil/shared/console';
import type { AlertEventRow, AlertRow } from './alerts.repository.ts';
import { mayReadText, redactPupil, redactText, type TextAccess } from './alert-redaction.ts';
import type { CategoryCatalog } from './category-catalog.ts';

// Rows → the console's shapes (console-api.schema.ts). Text is passed through exactly as
// it was stored (the console renders it as text, never as HTML) — unless it is withheld:
// a restricted alert's text reaches only a DSL who revealed it (alert-redaction.ts).

export function toAlertSummary(row: AlertRow, catalog: CategoryCatalog, access: TextAccess): AlertSummary {
  const category = catalog.facts(row.category);
  const visible = mayReadText(access, row, catalog);
  const text = redactText(row, visible);
  return {
    id: row.id,
    ts: row.ts.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    deviceId: row.deviceId,
    hostname: row.hostname,
    roomId: row.roomId,
    roomName: row.roomName,
    osUser: text.osUser,
    source: row.source,
    term: text.term,
    terms: text.withheld ? null : matchedTerms(row, catalog),
    categories: categoriesOf(row),
    category: row.category,
    categoryLabel: category.label,
    severity: row.severity,
    restricted: category.restricted,
    status: row.status,
    assignee: row.assigneeId === null ? null : { id: row.assigneeId, displayName: row.assigneeName ?? '' },
    context: text.context,
    windowTitle: text.windowTitle,
    app: text.app,
    url: text.url,
    hasScreenshot: row.screenshotSha256 !== null,
    pupil: redactPupil(row.pupil, visible),
    withheld: text.withheld,
  };
}

/** Every term matched in the phrase, the primary first (one-term alerts: just it). */
function matchedTerms(row: AlertRow, catalog: CategoryCatalog): NonNullable<AlertSummary['terms']> {
  const terms = row.terms ?? [{ term: row.term, category: row.category, severity: row.severity }];
  return terms.map((entry) => ({ term: entry.term, category: entry.category, categoryLabel: catalog.facts(entry.category).label, severity: entry.severity }));
}

/** The categories of every matched term (a fact, shown even when the text is withheld), the primary first. */
function categoriesOf(row: AlertRow): string[] {
  return [...new Set([row.category, ...(row.terms ?? []).map((entry) => entry.category)])];
}

export function toAlertEvent(row: AlertEventRow): AlertEvent {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actorLabel,
    kind: row.kind,
    fromStatus: row.fromStatus,
    toStatus: row.toStatus,
    note: row.note,
  };
}
