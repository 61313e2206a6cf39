import type pg from 'pg';
import type { CategoryCatalog } from '../triage/category-catalog.ts';
import { alertSummaries } from './alert-summary.repository.ts';
import { DeliveryError, sendEmail } from './email-sender.ts';
import { emailOf, webhookBodyOf, type AlertSummary } from './notification-message.ts';
import { claimDue, markAttemptFailed, markSent, type ClaimedMessage } from './notification-outbox.repository.ts';
import type { NotificationSettings } from './notification-settings.service.ts';
import { defaultRetryPolicy, retryDelayMs, shouldRetry, type RetryPolicy } from './retry-backoff.ts';
import { postWebhook } from './webhook-sender.ts';

interface Logger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface WorkerOptions {
  readonly pool: pg.Pool;
  readonly settings: NotificationSettings;
  readonly catalog: () => CategoryCatalog;
  /** PUBLIC_URL (or the collector's own address): links point at `<consoleUrl>/triage/<id>`. */
  readonly consoleUrl: string;
  readonly log: Logger;
  /** Sends at once (default 4). */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  readonly now?: () => Date;
  readonly random?: () => number;
}

/** A send that must not be retried: nothing to send with, or the alert is gone. */
class PermanentFailure extends Error {}

const leaseMs = 2 * 60_000;

/**
 * Sends the outbox: claims due messages (SKIP LOCKED + a lease), sends them at most
 * `concurrency` at a time, marks each sent, or schedules a retry with exponential
 * backoff and jitter, or gives up after `maxAttempts` and records why. A collector that
 * dies mid-send leaves the row leased; it is retried when the lease ends (delivery is
 * at-least-once: a webhook receiver can drop repeats by `X-Vigil-Delivery`).
 */
export class NotificationWorker {
  readonly #options: WorkerOptions;
  readonly #concurrency: number;
  readonly #retry: RetryPolicy;
  readonly #now: () => Date;
  #draining: Promise<void> | undefined;
  #again = false;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.#concurrency = options.concurrency ?? 4;
    this.#retry = options.retry ?? defaultRetryPolicy;
    this.#now = options.now ?? (() => new Date());
  }

  /** Sends everything due now; a call while a drain runs makes that drain look again. */
  drain(): Promise<void> {
    if (this.#draining !== undefined) {
      this.#again = true;
      return this.#draining;
    }
    this.#draining = this.#drainLoop().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  /** Resolves when the drain in progress (if any) has finished; starts none. */
  async settled(): Promise<void> {
    await this.#draining?.catch(() => undefined);
  }

  async #drainLoop(): Promise<void> {
    do {
      this.#again = false;
      for (;;) {
        const batch = await claimDue(this.#options.pool, this.#concurrency * 4, this.#now(), leaseMs);
        if (batch.length === 0) break;
        await this.#sendBatch(batch);
      }
    } while (this.#again);
  }

  async #sendBatch(batch: readonly ClaimedMessage[]): Promise<void> {
    const summaries = await alertSummaries(
      this.#options.pool,
      [...new Set(batch.map((message) => message.alertId))],
      this.#options.catalog(),
      this.#options.consoleUrl,
    );
    const queue = [...batch];
    const lane = async () => {
      for (let message = queue.shift(); message !== undefined; message = queue.shift()) await this.#sendOne(message, summaries.get(message.alertId));
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, batch.length) }, lane));
  }

  async #sendOne(message: ClaimedMessage, summary: AlertSummary | undefined): Promise<void> {
    const { pool, log } = this.#options;
    try {
      if (summary === undefined) throw new PermanentFailure('the alert no longer exists');
      const result = await this.#deliver(message, summary);
      await markSent(pool, message.id, this.#now());
      log.info(
        { messageId: message.id, alertId: message.alertId, channel: message.channel, reason: message.reason, attempt: message.attempts, result },
        'notification sent',
      );
    } catch (error) {
      const problem = error instanceof DeliveryError || error instanceof PermanentFailure ? error.message : 'unexpected error while sending';
      const retry = !(error instanceof PermanentFailure) && shouldRetry(message.attempts, this.#retry);
      const now = this.#now();
      const retryAt = retry ? new Date(now.getTime() + retryDelayMs(message.attempts, this.#options.random, this.#retry)) : null;
      await markAttemptFailed(pool, message.id, problem, now, retryAt);
      const fields = {
        messageId: message.id,
        alertId: message.alertId,
        channel: message.channel,
        attempt: message.attempts,
        problem,
        retryAt: retryAt?.toISOString() ?? null,
      };
      if (retryAt === null) log.error(fields, 'notification given up');
      else log.warn(fields, 'notification failed; will retry');
      if (!(error instanceof DeliveryError || error instanceof PermanentFailure)) log.error({ err: error, messageId: message.id }, 'notification send threw');
    }
  }

  async #deliver(message: ClaimedMessage, summary: AlertSummary): Promise<string> {
    const { settings } = this.#options;
    if (message.channel === 'email') {
      const smtp = await settings.smtpConfig();
      if (smtp === undefined) throw new DeliveryError('no SMTP server is set up (Administration → Notifications)');
      return sendEmail(smtp, message.target, emailOf(summary, message.reason));
    }
    const webhook = await settings.webhookConfig(message.target);
    if (webhook === undefined) throw new PermanentFailure('the webhook was removed');
    if (!webhook.enabled) throw new PermanentFailure('the webhook is turned off');
    return postWebhook(webhook, webhookBodyOf(webhook.kind, summary, message.reason), `${message.id}`);
  }
}
