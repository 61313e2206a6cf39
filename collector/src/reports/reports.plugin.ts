import type { FastifyPluginAsync } from 'fastify';
import { secretBoxFor, secretKeyEnvVar } from '../auth/secret-box.ts';
import { NotificationSettings } from '../notifications/notification-settings.service.ts';
import { catalogSource } from '../triage/category-catalog.ts';
import { governorsReportRoutes } from './governors-report.routes.ts';
import { ReportMailer } from './report-mailer.ts';
import { reportSchedulesRoutes } from './report-schedules.routes.ts';

/** Due scheduled reports are looked for this often. */
const scheduleTickMs = 5 * 60_000;

/**
 * The reports feature (see plugins/index.ts): the governors' report as JSON, CSV and
 * PDF, and its scheduled e-mail (through the notifications feature's SMTP settings).
 * Who may call what is in reports.access.ts. Needs `app.agentServices` (the word lists
 * name the categories) registered first.
 */
const reportsPlugin: FastifyPluginAsync = async (app) => {
  const db = app.database.db;
  const wordlists = app.agentServices.wordlists;
  const catalog = catalogSource(() => wordlists.current());
  const settings = new NotificationSettings({ db, secretBox: secretBoxFor(app.config.dataDir, process.env[secretKeyEnvVar]) });
  const mailer = new ReportMailer({ db, catalog, smtp: () => settings.smtpConfig(), log: app.log.child({ module: 'reports' }) });
  await app.register(governorsReportRoutes, { db, catalog });
  await app.register(reportSchedulesRoutes, { db, mailer });

  let running: Promise<unknown> | undefined;
  const tick = () => {
    running ??= mailer
      .runDue()
      .catch((error: unknown) => app.log.error({ err: error }, 'scheduled governors reports failed'))
      .finally(() => (running = undefined));
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    // At once too: a collector that was down when a report fell due sends it on start.
    tick();
    timer = setInterval(tick, scheduleTickMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
};

export default reportsPlugin;
