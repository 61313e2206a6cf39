import { governorsReportQuerySchema, type GovernorsReport } from '@vigil/shared/console';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.repository.ts';
import { signedInUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import { decodeQuery } from '../triage/alert-query.ts';
import type { CategoryCatalog } from '../triage/category-catalog.ts';
import { governorsReportCsv } from './governors-report.csv.ts';
import { governorsReportPdf } from './governors-report.pdf.ts';
import { reportableSites } from './governors-report.repository.ts';
import { governorsReportFor } from './governors-report.service.ts';
import { defaultSuppressionThreshold } from './suppression.ts';

export interface ReportsRoutesOptions {
  readonly db: Db;
  readonly catalog: () => CategoryCatalog;
  readonly now?: () => Date;
}

const longestRangeDays = 400;
const dayMs = 86_400_000;

type Format = 'json' | 'csv' | 'pdf';

/**
 * GET /api/reports/governors (JSON), .csv and .pdf: the governors' report for a range
 * (`from` ≤ ts < `to`, at most 400 days) and a site (a site-bound user always gets
 * their own). Counts only, suppressed (suppression.ts). Every download is audited as
 * `report.export` with the format, range and site. GET /api/reports/sites lists the
 * sites the user may pick.
 */
export const governorsReportRoutes: FastifyPluginAsync<ReportsRoutesOptions> = async (app, { db, catalog, now = () => new Date() }) => {
  const build = async (request: FastifyRequest, format: Format): Promise<GovernorsReport> => {
    const user = signedInUser(request);
    const query = decodeQuery(governorsReportQuerySchema, request.query);
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (from.getTime() >= to.getTime()) throw new AppError('range-invalid', 400, '`from` must be before `to`');
    if (to.getTime() - from.getTime() > longestRangeDays * dayMs) throw new AppError('range-invalid', 400, `A report covers at most ${longestRangeDays} days`);
    if (user.siteId !== null && query.siteId !== undefined && query.siteId !== user.siteId) {
      throw new AppError('site-forbidden', 403, 'You may report on your own site only');
    }
    const siteId = user.siteId ?? query.siteId ?? null;
    const threshold = query.threshold ?? defaultSuppressionThreshold;
    const report = await governorsReportFor(db, catalog(), { from, to, siteId, threshold, generatedAt: now() });
    if (report === undefined) throw new AppError('site-not-found', 404, 'No such site');
    await appendAudit(db, {
      actorUserId: user.id,
      actorLabel: user.username,
      action: 'report.export',
      targetType: 'report',
      targetId: 'governors',
      detail: { format, from: report.from, to: report.to, siteId, threshold },
      ip: request.ip,
    });
    return report;
  };

  const attachment = (reply: FastifyReply, report: GovernorsReport, extension: string): FastifyReply =>
    reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="governors-report-${report.from.slice(0, 10)}-to-${report.to.slice(0, 10)}.${extension}"`);

  // The sites a user may report on (their own, or every site for a trust-wide user): the report form's choice.
  app.get('/api/reports/sites', async (request, reply) => {
    const user = signedInUser(request);
    return reply.header('cache-control', 'no-store').send({ sites: await reportableSites(db, user.siteId) });
  });

  app.get('/api/reports/governors', async (request, reply) => {
    const report = await build(request, 'json');
    return reply.header('cache-control', 'no-store').send(report);
  });

  app.get('/api/reports/governors.csv', async (request, reply) => {
    const report = await build(request, 'csv');
    return attachment(reply, report, 'csv').type('text/csv; charset=utf-8').send(governorsReportCsv(report));
  });

  app.get('/api/reports/governors.pdf', async (request, reply) => {
    const report = await build(request, 'pdf');
    return attachment(reply, report, 'pdf')
      .type('application/pdf')
      .send(await governorsReportPdf(report));
  });
};
