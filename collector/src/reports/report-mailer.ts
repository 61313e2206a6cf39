import type { FastifyBaseLogger as Logger } from 'fastify';
import { auditActor, type Actor } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import type { ReportScheduleRow } from '../db/schema/index.ts';
import { DeliveryError, sendEmail, type SmtpConfig } from '../notifications/email-sender.ts';
import type { CategoryCatalog } from '../triage/category-catalog.ts';
import { governorsReportPdf } from './governors-report.pdf.ts';
import { governorsReportFor } from './governors-report.service.ts';
import { lastFullPeriod, nextSendTime } from './report-periods.ts';
import { claimSchedule, dueSchedules, recordRun } from './report-schedules.repository.ts';

export interface ReportMailerOptions {
  readonly db: Db;
  readonly catalog: () => CategoryCatalog;
  /** The school's SMTP server (Administration → Notifications), password opened; undefined when none is set. */
  readonly smtp: () => Promise<SmtpConfig | undefined>;
  readonly log: Logger;
  readonly now?: () => Date;
}

export interface SentReport {
  readonly from: Date;
  readonly to: Date;
  readonly recipients: number;
}

/**
 * E-mails the governors' report: each schedule's last full month or term, as a PDF
 * attachment to its recipients, through the notifications feature's SMTP settings.
 * Every send (or failed send) is audited as `report.email`. `runDue` is called on a
 * timer; a schedule is claimed by moving its next run first, so two collectors on one
 * database never both send it. A failed send is retried an hour later.
 */
export class ReportMailer {
  readonly #options: ReportMailerOptions;
  readonly #now: () => Date;

  constructor(options: ReportMailerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** Sends every schedule that is due; returns how many were sent. */
  async runDue(): Promise<number> {
    const now = this.#now();
    let sent = 0;
    for (const schedule of await dueSchedules(this.#options.db, now)) {
      if (!(await claimSchedule(this.#options.db, schedule, nextSendTime(schedule.frequency, now)))) continue;
      try {
        await this.send(schedule, { userId: null, label: 'system' });
        sent += 1;
      } catch (error) {
        this.#options.log.warn({ err: error, scheduleId: schedule.id }, 'scheduled governors report not sent');
      }
    }
    return sent;
  }

  /** Sends the schedule's last full period now. Throws DeliveryError when it could not be sent (recorded and audited). */
  async send(schedule: ReportScheduleRow, actor: Actor): Promise<SentReport> {
    const { db } = this.#options;
    const at = this.#now();
    const period = lastFullPeriod(schedule.frequency, at);
    const detail = {
      scheduleId: schedule.id,
      frequency: schedule.frequency,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      siteId: schedule.siteId,
      recipients: schedule.recipients,
    };
    try {
      const smtp = await this.#options.smtp();
      if (smtp === undefined) throw new DeliveryError('no SMTP server is set up (Administration → Notifications)');
      const report = await governorsReportFor(db, this.#options.catalog(), {
        ...period,
        siteId: schedule.siteId,
        threshold: schedule.threshold,
        generatedAt: at,
      });
      if (report === undefined) throw new DeliveryError("the schedule's site no longer exists");
      const pdf = await governorsReportPdf(report);
      const first = report.from.slice(0, 10);
      const last = new Date(period.to.getTime() - 1).toISOString().slice(0, 10);
      const subject = `Governors' safeguarding report: ${report.site.name}, ${first} to ${last}`;
      const text = [
        `The governors' safeguarding report for ${report.site.name}, ${first} to ${last}, is attached as a PDF.`,
        '',
        'It holds counts only: no pupil is named, and counts from 1 to ' + String(report.threshold - 1) + ` are shown as "<${report.threshold}".`,
        '',
        'Sent by Vigil on a schedule an administrator set up.',
      ].join('\n');
      await sendEmail(smtp, schedule.recipients.join(', '), { subject, text, html: `<p>${escapeHtml(text).replaceAll('\n\n', '</p><p>')}</p>` }, [
        { filename: `governors-report-${first}-to-${last}.pdf`, content: pdf, contentType: 'application/pdf' },
      ]);
      await recordRun(db, schedule.id, at, null);
      await appendAudit(db, {
        ...auditActor(actor),
        action: 'report.email',
        targetType: 'report-schedule',
        targetId: schedule.id,
        detail: { ...detail, ok: true },
      });
      return { ...period, recipients: schedule.recipients.length };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await recordRun(db, schedule.id, at, message);
      await appendAudit(db, {
        ...auditActor(actor),
        action: 'report.email',
        targetType: 'report-schedule',
        targetId: schedule.id,
        detail: { ...detail, ok: false, error: message },
      });
      throw error instanceof DeliveryError ? error : new DeliveryError(message, { cause: error });
    }
  }
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
