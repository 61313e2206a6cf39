import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import { signedInUser } from '../auth/request-user.ts';
import { AppError } from '../errors/app-error.ts';
import { decodeQuery } from './alert-query.ts';
import { alertScopeFor } from './alert-scope.ts';
import { reportSummary } from './report-summary.repository.ts';
import type { TriageRoutesOptions } from './triage-context.ts';

const reportQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

const defaultRangeDays = 30;
const longestRangeDays = 400;
const dayMs = 86_400_000;

/** GET /api/categories (the categories in force) and GET /api/reports/summary (counts only). */
export const categoriesReportsRoutes: FastifyPluginAsync<TriageRoutesOptions> = async (app, { db, catalog }) => {
  app.get('/api/categories', async () => ({
    categories: catalog().categories.map(({ id, label, severity, restricted }) => ({ id, label, severity, restricted })),
  }));

  app.get('/api/reports/summary', async (request) => {
    const user = signedInUser(request);
    const query = decodeQuery(reportQuerySchema, request.query);
    const to = query.to === undefined ? new Date() : new Date(query.to);
    const from = query.from === undefined ? new Date(to.getTime() - defaultRangeDays * dayMs) : new Date(query.from);
    if (from.getTime() >= to.getTime()) throw new AppError('range-invalid', 400, '`from` must be before `to`');
    if (to.getTime() - from.getTime() > longestRangeDays * dayMs) throw new AppError('range-invalid', 400, `A report covers at most ${longestRangeDays} days`);
    return reportSummary(db, await alertScopeFor(db, user), { from, to }, catalog());
  });
};
