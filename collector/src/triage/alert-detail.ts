import type { AlertDetailResponse } from '@vigil/shared/console';
import type { AuthUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { findScreenshot } from '../evidence/screenshots.repository.ts';
import { eventsOf, type AlertRow } from './alerts.repository.ts';
import { toAlertEvent, toAlertSummary } from './alert-view.ts';
import { mayReadText, textAccessFor } from './alert-redaction.ts';
import type { CategoryCatalog } from './category-catalog.ts';

/**
 * Whether `user` gets `alert`'s capture blurred (and its text withheld): its category is
 * restricted (or unknown) and they are not a DSL with a reveal of this alert in the last
 * 30 minutes. Technicians and admins always get restricted captures blurred.
 */
export async function isBlurredFor(
  db: Db,
  user: Pick<AuthUser, 'id' | 'role'>,
  alert: Pick<AlertRow, 'id' | 'category'>,
  catalog: CategoryCatalog,
): Promise<boolean> {
  return !mayReadText(await textAccessFor(db, user, [alert], catalog), alert, catalog);
}

export function screenshotUrl(alertId: string): string {
  return `/api/alerts/${encodeURIComponent(alertId)}/screenshot`;
}

/** GET /api/alerts/:alertId's answer (the caller audits the view). */
export async function alertDetail(db: Db, user: AuthUser, alert: AlertRow, catalog: CategoryCatalog): Promise<AlertDetailResponse> {
  const events = (await eventsOf(db, alert.id)).map(toAlertEvent);
  const access = await textAccessFor(db, user, [alert], catalog);
  const hidden = !mayReadText(access, alert, catalog);
  let screenshot: AlertDetailResponse['screenshot'] = null;
  if (alert.screenshotSha256 !== null) {
    const stored = await findScreenshot(db, alert.screenshotSha256);
    screenshot = {
      // 0 × 0 until the bytes (and with them the size) arrive.
      width: stored?.width ?? 0,
      height: stored?.height ?? 0,
      available: stored !== undefined,
      blurred: hidden,
      url: screenshotUrl(alert.id),
    };
  }
  return {
    alert: toAlertSummary(alert, catalog, access),
    screenshot,
    events,
    // A reveal uncovers the capture and the text together, so there is something to reveal
    // whenever the text is withheld, capture or not.
    canReveal: user.role === 'dsl' && hidden,
  };
}
