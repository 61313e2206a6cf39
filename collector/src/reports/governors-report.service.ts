import type { GovernorsReport } from '@vigil/shared/console';
import type { Db } from '../db/database.ts';
import type { CategoryCatalog } from '../triage/category-catalog.ts';
import { publishGovernorsReport } from './governors-report.ts';
import { governorsFigures, siteName } from './governors-report.repository.ts';

export interface GovernorsReportRequest {
  readonly from: Date;
  readonly to: Date;
  readonly siteId: string | null;
  readonly threshold: number;
  readonly generatedAt: Date;
}

/** The published (suppressed) report; undefined when the site does not exist. */
export async function governorsReportFor(db: Db, catalog: CategoryCatalog, request: GovernorsReportRequest): Promise<GovernorsReport | undefined> {
  const name = await siteName(db, request.siteId);
  if (name === undefined) return undefined;
  const raw = await governorsFigures(db, request);
  return publishGovernorsReport(raw, {
    from: request.from,
    to: request.to,
    generatedAt: request.generatedAt,
    site: { id: request.siteId, name },
    threshold: request.threshold,
    categoryLabel: (id) => catalog.facts(id).label,
  });
}
