import { setRetentionRequestSchema, type retentionResponseSchema } from '@vigil/shared/console';
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import { auditActor } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { decodeBody } from '../auth/auth.schemas.ts';
import { actorOf, signedInUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import { createBlobStore } from '../evidence/disk-blob-store.ts';
import type { HealthCheckResult } from '../health/health-registry.ts';
import { setAlertLegalHold } from './legal-hold.repository.ts';
import { PurgeScheduler } from './purge-scheduler.ts';
import { defaultPurgeIntervalMs, defaultPurgeStartDelayMs } from './retention-defaults.ts';
import { RetentionPurge, type RetentionPurgeOptions } from './retention-purge.service.ts';
import { lastPurgeTimes, readRetentionRules, saveRetentionDays } from './retention-settings.repository.ts';
import { legalHoldRequestSchema, type LegalHoldResponse } from './retention.schemas.ts';

export interface RetentionPluginOptions extends Pick<RetentionPurgeOptions, 'batchSize' | 'orphanScreenshotGraceMs' | 'partitionLockTimeoutMs' | 'now'> {
  /** Run the purge on a timer (default true; tests that purge by hand turn it off). */
  readonly schedule?: boolean;
  /** First purge this long after the app is ready (default 2 minutes). */
  readonly startDelayMs?: number;
  /** Then every this long (default 6 hours). */
  readonly intervalMs?: number;
}

type RetentionResponse = z.infer<typeof retentionResponseSchema>;

async function retentionBody(db: Db): Promise<RetentionResponse> {
  const [rules, purgedAt] = await Promise.all([readRetentionRules(db), lastPurgeTimes(db)]);
  return { rules: rules.map((rule) => ({ dataClass: rule.dataClass, days: rule.days, lastPurgeAt: purgedAt.get(rule.dataClass)?.toISOString() ?? null })) };
}

/**
 * Retention (DESIGN: "retention per data class with legal hold; purge job deletes rows
 * and blobs"). Registered from audit.plugin.ts; access lines in retention.access.ts.
 *
 *   GET  /api/retention                    → RetentionResponse (dsl, admin)
 *   PUT  /api/retention                    SetRetentionRequest → RetentionResponse (admin; audited `retention.set`)
 *   POST /api/retention/purge              → PurgeResponse now (admin; audited `retention.purge`); 409 `purge-running`
 *   PUT  /api/alerts/:alertId/legal-hold   {hold} → LegalHoldResponse (dsl, admin; audited `alert.legal-hold`)
 *
 * The purge also runs by itself after start-up and every 6 hours; GET /health shows the
 * last run as the `retention` check.
 */
const retentionPlugin: FastifyPluginAsync<RetentionPluginOptions> = async (app, options) => {
  const db = app.database.db;
  const now = options.now ?? (() => new Date());
  const log = app.log.child({ module: 'retention' });
  const purge = new RetentionPurge({
    database: app.database,
    blobs: createBlobStore(app.config.dataDir),
    log,
    now,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.orphanScreenshotGraceMs === undefined ? {} : { orphanScreenshotGraceMs: options.orphanScreenshotGraceMs }),
    ...(options.partitionLockTimeoutMs === undefined ? {} : { partitionLockTimeoutMs: options.partitionLockTimeoutMs }),
  });
  const scheduler = new PurgeScheduler({
    purge,
    log,
    startDelayMs: options.startDelayMs ?? defaultPurgeStartDelayMs,
    intervalMs: options.intervalMs ?? defaultPurgeIntervalMs,
  });
  if (options.schedule ?? true) {
    app.addHook('onReady', async () => scheduler.start());
    app.addHook('onClose', async () => scheduler.stop());
  }

  // Public (GET /health): times and error counts only, never what was deleted.
  app.health.register('retention', (): HealthCheckResult => {
    const report = purge.lastReport;
    const failure = purge.lastFailure;
    if (failure !== undefined) return { status: 'degraded', detail: `last purge failed at ${failure.at.toISOString()}` };
    if (report === undefined) {
      const next = scheduler.nextRunAt;
      return { status: 'ok', detail: next === undefined ? 'no purge by this collector yet' : `no purge by this collector yet; next at ${next.toISOString()}` };
    }
    const status = report.errors.length > 0 ? 'degraded' : 'ok';
    return { status, detail: `last purge ${report.finishedAt}${report.errors.length > 0 ? ` with ${report.errors.length} error(s)` : ''}` };
  });

  app.get('/api/retention', async (_request, reply) => reply.header('cache-control', 'no-store').send(await retentionBody(db)));

  app.put('/api/retention', async (request) => {
    const body = decodeBody(setRetentionRequestSchema, request.body);
    const seen = new Set<string>();
    for (const [index, rule] of body.rules.entries()) {
      if (seen.has(rule.dataClass)) {
        throw new AppError('validation-failed', 400, 'Each data class may appear once', {
          fields: [{ path: `rules.${index}.dataClass`, message: `${rule.dataClass} appears twice` }],
        });
      }
      seen.add(rule.dataClass);
    }
    const actor = actorOf(request);
    await db.transaction(async (tx) => {
      const before = await readRetentionRules(tx);
      const changes = body.rules
        .map((rule) => ({ dataClass: rule.dataClass, from: before.find((old) => old.dataClass === rule.dataClass)?.days ?? null, to: rule.days }))
        .filter((change) => change.from !== change.to);
      await saveRetentionDays(tx, body.rules, actor.userId, now());
      await appendAudit(tx, { ...auditActor(actor), action: 'retention.set', targetType: 'retention', detail: { changes }, ip: request.ip });
    });
    return retentionBody(db);
  });

  // Answers the report (retention.schemas.ts `purgeResponseSchema`).
  app.post('/api/retention/purge', async (request) => {
    const outcome = await purge.run('manual', actorOf(request));
    if (!outcome.ran) throw new AppError('purge-running', 409, 'A purge is already running; try again when it has finished');
    return outcome.report;
  });

  app.put<{ Params: { alertId: string } }>('/api/alerts/:alertId/legal-hold', async (request): Promise<LegalHoldResponse> => {
    const body = decodeBody(legalHoldRequestSchema, request.body);
    const user = signedInUser(request);
    const result = await setAlertLegalHold(db, {
      alertId: request.params.alertId,
      hold: body.hold,
      actor: actorOf(request),
      siteId: user.siteId,
      ip: request.ip,
    });
    if (result === undefined) throw new AppError('alert-not-found', 404, 'No such alert');
    return result;
  });
};

export default retentionPlugin;
