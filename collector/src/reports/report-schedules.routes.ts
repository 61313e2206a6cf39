import { createReportScheduleRequestSchema, type ReportSchedule } from '@vigil/shared/console';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { appendAudit } from '../audit/audit.repository.ts';
import { decodeBody } from '../auth/auth.schemas.ts';
import { actorOf, signedInUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import type { ReportScheduleRow } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import { DeliveryError } from '../notifications/email-sender.ts';
import { siteName } from './governors-report.repository.ts';
import type { ReportMailer } from './report-mailer.ts';
import { nextSendTime } from './report-periods.ts';
import { deleteSchedule, findSchedule, insertSchedule, listSchedules, type ScheduleWithSite } from './report-schedules.repository.ts';
import { defaultSuppressionThreshold } from './suppression.ts';

export interface ReportSchedulesRoutesOptions {
  readonly db: Db;
  readonly mailer: ReportMailer;
  readonly now?: () => Date;
}

const scheduleParamsSchema = z.object({ scheduleId: z.string().min(1).max(64) });

/**
 * The governors' report by e-mail (admin): GET/POST /api/reports/schedules, DELETE
 * /api/reports/schedules/:scheduleId, and POST …/:scheduleId/send to send the last full
 * period now. A site-bound admin sees and sets only their own site's schedules. Changes
 * are audited (`report.schedule-create`, `report.schedule-delete`); sends as `report.email`.
 */
export const reportSchedulesRoutes: FastifyPluginAsync<ReportSchedulesRoutesOptions> = async (app, { db, mailer, now = () => new Date() }) => {
  const inReach = async (request: FastifyRequest): Promise<ReportScheduleRow> => {
    const user = signedInUser(request);
    const params = scheduleParamsSchema.safeParse(request.params);
    const schedule = params.success ? await findSchedule(db, params.data.scheduleId) : undefined;
    if (schedule === undefined || (user.siteId !== null && schedule.siteId !== user.siteId)) throw new AppError('schedule-not-found', 404, 'No such schedule');
    return schedule;
  };

  app.get('/api/reports/schedules', async (request, reply) => {
    const user = signedInUser(request);
    return reply.header('cache-control', 'no-store').send({ schedules: (await listSchedules(db, user.siteId)).map(scheduleJson) });
  });

  app.post('/api/reports/schedules', async (request, reply) => {
    const user = signedInUser(request);
    const body = decodeBody(createReportScheduleRequestSchema, request.body);
    if (user.siteId !== null && body.siteId !== user.siteId) throw new AppError('site-forbidden', 403, 'You may schedule reports for your own site only');
    const name = await siteName(db, body.siteId);
    if (name === undefined) throw new AppError('site-not-found', 404, 'No such site');
    const recipients = [...new Set(body.recipients.map((address) => address.trim().toLowerCase()))];
    const row = await insertSchedule(db, {
      siteId: body.siteId,
      recipients,
      frequency: body.frequency,
      threshold: body.threshold ?? defaultSuppressionThreshold,
      nextRunAt: nextSendTime(body.frequency, now()),
      createdBy: user.id,
    });
    await appendAudit(db, {
      actorUserId: user.id,
      actorLabel: user.username,
      action: 'report.schedule-create',
      targetType: 'report-schedule',
      targetId: row.id,
      detail: { siteId: row.siteId, recipients, frequency: row.frequency },
      ip: request.ip,
    });
    return reply.code(201).send(scheduleJson({ ...row, siteName: name }));
  });

  app.delete('/api/reports/schedules/:scheduleId', async (request, reply) => {
    const schedule = await inReach(request);
    const user = signedInUser(request);
    await deleteSchedule(db, schedule.id);
    await appendAudit(db, {
      actorUserId: user.id,
      actorLabel: user.username,
      action: 'report.schedule-delete',
      targetType: 'report-schedule',
      targetId: schedule.id,
      detail: { siteId: schedule.siteId, recipients: schedule.recipients },
      ip: request.ip,
    });
    return reply.code(204).send();
  });

  app.post('/api/reports/schedules/:scheduleId/send', async (request) => {
    const schedule = await inReach(request);
    try {
      const sent = await mailer.send(schedule, actorOf(request));
      return { from: sent.from.toISOString(), to: sent.to.toISOString(), recipients: sent.recipients };
    } catch (error) {
      if (error instanceof DeliveryError) throw new AppError('delivery-failed', 502, `The report was not sent: ${error.message}`);
      throw error;
    }
  });
};

function scheduleJson(row: ScheduleWithSite): ReportSchedule {
  return {
    id: row.id,
    siteId: row.siteId,
    siteName: row.siteName,
    recipients: row.recipients,
    frequency: row.frequency,
    threshold: row.threshold,
    nextRunAt: row.nextRunAt.toISOString(),
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    lastError: row.lastError,
  };
}
