import {
  pupilImportPreviewRequestSchema,
  pupilImportRequestSchema,
  pupilListQuerySchema,
  type PupilListResponse,
  type PupilPageResponse,
  type UnmatchedUsernamesResponse,
} from '@vigil/shared/console';
import type { FastifyPluginAsync } from 'fastify';
import { adminContext, auditChange } from '../admin/admin-context.ts';
import { assertSite, siteLimit } from '../admin/admin-scope.ts';
import { decodeBody } from '../auth/auth.schemas.ts';
import { AppError } from '../errors/app-error.ts';
import { textAccessFor } from '../triage/alert-redaction.ts';
import { decodeQuery } from '../triage/alert-query.ts';
import { toAlertSummary } from '../triage/alert-view.ts';
import { listAlertPage } from '../triage/alerts.repository.ts';
import type { CategoryCatalog } from '../triage/category-catalog.ts';
import { previewImport, runImport } from './pupil-import.service.ts';
import { alertsOfPupil, findPupil, listPupils, unmatchedUsernames } from './pupils.repository.ts';

export interface PupilsRoutesOptions {
  readonly catalog: () => CategoryCatalog;
}

/** A school's MIS export fits easily; anything bigger is not a pupil list. */
const importBodyLimit = 16 * 1024 * 1024;
/** The most alerts a pupil page lists (newest first); `truncated` says there were more. */
const pageAlertLimit = 500;

/**
 * The pupil directory API (access in pupils.access.ts):
 *   POST /api/pupils/import/preview  {siteId, csv, fileName?} → PupilImportPreview (writes nothing)
 *   POST /api/pupils/import          {siteId, csv, mapping, full?, fileName?} → PupilImportResult (one transaction, audited)
 *   GET  /api/pupils?q&status&siteId → PupilListResponse
 *   GET  /api/pupils/unmatched       → user names of the last 30 days no pupil owns
 *   GET  /api/pupils/:pupilId        → PupilPageResponse (audited: a child's record was read)
 * Users limited to one site see and change only that site's pupils.
 */
export const pupilsRoutes: FastifyPluginAsync<PupilsRoutesOptions> = async (app, { catalog }) => {
  const db = app.database.db;

  app.post('/api/pupils/import/preview', { bodyLimit: importBodyLimit }, async (request) => {
    const body = decodeBody(pupilImportPreviewRequestSchema, request.body);
    return previewImport(adminContext(request, db), body);
  });

  app.post('/api/pupils/import', { bodyLimit: importBodyLimit }, async (request) => {
    const body = decodeBody(pupilImportRequestSchema, request.body);
    return runImport(adminContext(request, db), body);
  });

  app.get('/api/pupils', async (request): Promise<PupilListResponse> => {
    const context = adminContext(request, db);
    const query = decodeQuery(pupilListQuerySchema, request.query);
    const limit = await siteLimit(db, context.user);
    if (query.siteId !== undefined) assertSite(context.user, query.siteId);
    return listPupils(db, { siteId: query.siteId ?? limit, status: query.status, q: query.q, limit: 1000 });
  });

  app.get('/api/pupils/unmatched', async (request): Promise<UnmatchedUsernamesResponse> => {
    const context = adminContext(request, db);
    const open = catalog()
      .categories.filter((category) => !category.restricted)
      .map((category) => category.id);
    return { usernames: await unmatchedUsernames(db, await siteLimit(db, context.user), open, context.now) };
  });

  app.get<{ Params: { pupilId: string } }>('/api/pupils/:pupilId', async (request): Promise<PupilPageResponse> => {
    const context = adminContext(request, db);
    const pupil = await findPupil(db, request.params.pupilId);
    // Another site's pupil answers like a missing one.
    if (pupil === undefined || (context.user.siteId !== null && context.user.siteId !== pupil.siteId))
      throw new AppError('pupil-not-found', 404, 'No such pupil');
    const categories = catalog();
    const rows = await listAlertPage(db, alertsOfPupil(pupil), undefined, pageAlertLimit);
    const page = rows.slice(0, pageAlertLimit).sort((a, b) => b.ts.getTime() - a.ts.getTime() || (a.id < b.id ? 1 : -1));
    const access = await textAccessFor(db, context.user, page, categories);
    await auditChange(db, context, { action: 'pupil.view', targetType: 'pupil', targetId: pupil.id, detail: { alerts: page.length } });
    return { pupil, alerts: page.map((row) => toAlertSummary(row, categories, access)), truncated: rows.length > pageAlertLimit };
  });
};
