import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { collectorVersion } from '../version.ts';
import type { HealthCheckResult } from '../health/health-registry.ts';

const databaseTimeoutMs = 1_500;
const startedAt = Date.now();

/** `select 1` within a short deadline: a hung database must not hang the probe. */
export async function pingDatabase(pool: pg.Pool, timeoutMs: number = databaseTimeoutMs): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
  });
  try {
    await Promise.race([pool.query('select 1'), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthBody {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly database: 'ok' | 'down';
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly checks?: Record<string, HealthCheckResult>;
}

/**
 * GET /health for load balancers and `curl`: 200 while the database answers (status
 * `degraded` if a feature reports a problem it works around), 503 when the database
 * or any feature is down. Unauthenticated, so it says nothing sensitive.
 */
const healthPlugin: FastifyPluginAsync = async (app) => {
  app.get('/health', async (_request, reply) => {
    const [databaseUp, checks] = await Promise.all([pingDatabase(app.database.pool), app.health.run(databaseTimeoutMs)]);
    const statuses = Object.values(checks).map((check) => check.status);
    const status = !databaseUp || statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'ok';
    const body: HealthBody = {
      status,
      database: databaseUp ? 'ok' : 'down',
      version: collectorVersion,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      ...(statuses.length > 0 ? { checks } : {}),
    };
    return reply
      .status(status === 'down' ? 503 : 200)
      .header('cache-control', 'no-store')
      .send(body);
  });
};

export default healthPlugin;
