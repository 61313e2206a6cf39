import type { FastifyInstance } from 'fastify';
import consolePlugin from './console.plugin.ts';
import healthPlugin from './health.plugin.ts';

export interface FeatureOptions {
  readonly consoleDir: string;
}

/**
 * THE place feature slices join the app. Each feature is an encapsulated plugin
 * (plain async function, NOT wrapped in fastify-plugin) so its hooks, decorators
 * and error handling stay inside it; it reaches shared things through
 * `app.config`, `app.database` and `app.health` (plugins/context.plugin.ts) and throws
 * AppError for expected failures. Add yours in the marked slot, in this order:
 *
 *   auth      /api/auth, session + CSRF hooks      (console issue)
 *   agents    /agent/v1 WebSocket gateway          (issue #5)
 *   ingest    batched, idempotent writes           (issue #5)
 *   screenshots, live (/console/live), triage, admin, reports, audit, retention
 */
export async function registerFeatures(app: FastifyInstance, options: FeatureOptions): Promise<void> {
  await app.register(healthPlugin);

  // ── feature plugins register here ──────────────────────────────────────────

  // Last: the console's SPA fallback answers whatever no feature claimed.
  await app.register(consolePlugin, { consoleDir: options.consoleDir });
}
