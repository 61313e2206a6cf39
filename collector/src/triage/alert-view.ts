import type { AlertEvent, AlertSummary } from '@vigil/shared/console';
import type { AlertEventRow, AlertRow } from './alerts.repository.ts';
import type { CategoryCatalog } from './category-catalog.ts';

// Rows → the console's shapes (console-api.schema.ts). Text is passed through exactly as
// it was stored: the console renders it as text, never as HTML.

export function toAlertSummary(row: AlertRow, catalog: CategoryCatalog): AlertSummary {
  const category = catalog.facts(row.category);
  return {
    id: row.id,
    ts: row.ts.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    deviceId: row.deviceId,
    hostname: row.hostname,
    roomId: row.roomId,
    roomName: row.roomName,
    osUser: row.osUser,
    source: row.source,
    term: row.term,
    category: row.category,
    categoryLabel: category.label,
    severity: row.severity,
    restricted: category.restricted,
    status: row.status,
    assignee: row.assigneeId === null ? null : { id: row.assigneeId, displayName: row.assigneeName ?? '' },
    context: row.context,
    windowTitle: row.windowTitle,
    app: row.app,
    url: row.url,
    hasScreenshot: row.screenshotSha256 !== null,
  };
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
