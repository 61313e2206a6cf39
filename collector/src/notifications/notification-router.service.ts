import type pg from 'pg';
import type { NewAlertFacts } from '../alert-feed/alert-feed.ts';
import type { Db } from '../db/database.ts';
import { deliveriesFor, unactedDelivery, type RoutingConfig } from './notification-routing.ts';
import { enqueueUnacted, routeAlerts, unroutedAlerts } from './notification-outbox.repository.ts';
import { listSchoolHours, listWebhooks, readEscalationRule, routingRules } from './notification-settings.repository.ts';

interface Logger {
  info(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** How far back a sweep looks for alerts no collector routed (so enabling notifications does not mail old alerts). */
export const catchUpWindowMs = 15 * 60_000;

/**
 * Turns alerts into outbox rows: at once for new alerts (from app.alertFeed), and in a
 * periodic sweep that routes what a stopped collector left unrouted and enqueues the
 * "not acted on" escalation. All state is in the database, so a restart loses nothing
 * and a second collector sends nothing twice.
 */
export class NotificationRouter {
  readonly #db: Db;
  readonly #pool: pg.Pool;
  readonly #log: Logger;

  constructor(deps: { db: Db; pool: pg.Pool; log: Logger }) {
    this.#db = deps.db;
    this.#pool = deps.pool;
    this.#log = deps.log;
  }

  async #config(): Promise<RoutingConfig> {
    const [rules, webhooks, escalation, hours] = await Promise.all([
      routingRules(this.#db),
      listWebhooks(this.#db),
      readEscalationRule(this.#db),
      listSchoolHours(this.#db),
    ]);
    return { rules, webhooks, escalation, hours: new Map(hours.map((row) => [row.siteId, row])) };
  }

  /** Routes new alerts; returns how many messages were enqueued. */
  async route(alerts: readonly NewAlertFacts[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const config = await this.#config();
    const enqueued = await routeAlerts(
      this.#pool,
      alerts.map((alert) => ({ alertId: alert.id, deliveries: deliveriesFor(alert, config) })),
    );
    if (enqueued > 0) this.#log.info({ alerts: alerts.length, enqueued }, 'notifications enqueued');
    return enqueued;
  }

  /** Catches up unrouted alerts and enqueues due "not acted on" escalations; returns messages enqueued. */
  async sweep(now: Date): Promise<number> {
    let enqueued = await this.route(await unroutedAlerts(this.#pool, new Date(now.getTime() - catchUpWindowMs)));
    const escalation = await readEscalationRule(this.#db);
    const delivery = unactedDelivery(escalation);
    if (delivery !== undefined && escalation?.unactedMinSeverity != null && escalation.unactedMinutes != null) {
      const unacted = await enqueueUnacted(this.#pool, delivery, { minSeverity: escalation.unactedMinSeverity, minutes: escalation.unactedMinutes, now });
      if (unacted > 0) this.#log.info({ enqueued: unacted }, 'escalations enqueued for alerts nobody acted on');
      enqueued += unacted;
    }
    return enqueued;
  }
}
