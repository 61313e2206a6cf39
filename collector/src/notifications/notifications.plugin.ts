import type { FastifyPluginAsync } from 'fastify';
import { secretBoxFor, secretKeyEnvVar } from '../auth/secret-box.ts';
import { catalogSource } from '../triage/category-catalog.ts';
import { channelStatuses, healthOf } from './channel-health.ts';
import { NotificationRouter } from './notification-router.service.ts';
import { NotificationSettings } from './notification-settings.service.ts';
import { NotificationWorker } from './notification-worker.ts';
import { notificationRoutes } from './notifications.routes.ts';

/** Due retries are looked for this often (a new alert is sent at once, without waiting). */
const pollMs = 1_000;
/** Unrouted alerts and "not acted on" escalations are looked for this often. */
const sweepMs = 30_000;

/**
 * Notifications (see README "Notifications"): e-mail and signed webhooks for new alerts,
 * per-user rules, school hours and escalation. New alerts arrive from `app.alertFeed`
 * (after ingest's COMMIT); everything to send goes through the durable outbox
 * (notification_outbox), so a restart loses nothing. GET /health shows failing channels
 * as the `notifications` check. Needs `app.agentServices` (category labels).
 */
const notificationsPlugin: FastifyPluginAsync = async (app) => {
  const { db, pool } = app.database;
  const log = app.log.child({ module: 'notifications' });
  const wordlists = app.agentServices.wordlists;
  const settings = new NotificationSettings({ db, secretBox: secretBoxFor(app.config.dataDir, process.env[secretKeyEnvVar]) });
  const consoleUrl = app.config.publicUrl ?? `http://localhost:${app.config.port}`;
  const router = new NotificationRouter({ db, pool, log });
  const worker = new NotificationWorker({ pool, settings, catalog: catalogSource(() => wordlists.current()), consoleUrl, log });
  const channels = () => channelStatuses(db, pool, new Date());

  let closing = false;
  const drain = () => {
    if (!closing) worker.drain().catch((error: unknown) => log.error({ err: error }, 'notification worker failed'));
  };
  const sweep = () => {
    if (closing) return;
    router
      .sweep(new Date())
      .then((enqueued) => enqueued > 0 && drain())
      .catch((error: unknown) => log.error({ err: error }, 'notification sweep failed'));
  };

  const stopListening = app.alertFeed.on((event) => {
    if (event.kind !== 'created' || closing) return;
    router
      .route(event.alerts)
      .then(drain)
      .catch((error: unknown) => log.error({ err: error, alerts: event.alerts.length }, 'routing notifications failed; the sweep retries'));
  });

  const timers: NodeJS.Timeout[] = [];
  app.addHook('onReady', async () => {
    timers.push(setInterval(drain, pollMs).unref(), setInterval(sweep, sweepMs).unref());
    sweep();
  });
  app.addHook('onClose', async () => {
    closing = true;
    stopListening();
    for (const timer of timers) clearInterval(timer);
    await worker.settled();
  });

  app.health.register('notifications', async () => healthOf(await channels()));
  await app.register(notificationRoutes, { settings, channels, consoleUrl });
};

export default notificationsPlugin;
