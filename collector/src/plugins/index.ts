import type { FastifyInstance } from 'fastify';
import alertFeedPlugin from '../alert-feed/alert-feed.plugin.ts';
import agentServicesPlugin from './agent-services.plugin.ts';
import agentGatewayPlugin from '../agents/agent-gateway.plugin.ts';
import agentHubPlugin from '../agents/agent-hub.plugin.ts';
import adminPlugin from '../admin/admin.plugin.ts';
import auditPlugin from '../audit/audit.plugin.ts';
import authPlugin from '../auth/auth.plugin.ts';
import { accessRules } from './access-table.ts';
import evidencePlugin from '../evidence/evidence.plugin.ts';
import exportsPlugin from '../exports/exports.plugin.ts';
import consolePlugin from './console.plugin.ts';
import downloadsPlugin from '../downloads/downloads.plugin.ts';
import healthPlugin from './health.plugin.ts';
import livePlugin from '../live/live.plugin.ts';
import notificationsPlugin from '../notifications/notifications.plugin.ts';
import pupilsPlugin from '../pupils/pupils.plugin.ts';
import reportsPlugin from '../reports/reports.plugin.ts';
import triagePlugin from '../triage/triage.plugin.ts';

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
  // Auth first, even before health: its access gate (deny by default) and route registry
  // are hooks, and hooks only reach routes registered after them.
  await app.register(authPlugin, { consoleDir: options.consoleDir, accessRules });
  await app.register(healthPlugin);

  // ── feature plugins register here ──────────────────────────────────────────

  // app.agentHub / app.agentAuth (fastify-plugin): before everything that talks to agents.
  await app.register(agentHubPlugin);

  // Word lists, policies, locks (app.wordlists/policies/locks): after the agent hub, before the gateway.
  await app.register(agentServicesPlugin);

  // WS /agent/v1 and batched ingest; then evidence (PUT /agent/v1/screenshots/:sha256).
  await app.register(agentGatewayPlugin);
  await app.register(evidencePlugin);

  // The console's API: live view (/api/rooms, WS /console/live), triage (/api/alerts),
  // administration, audit and retention.
  await app.register(livePlugin);
  await app.register(triagePlugin);
  // WS /console/alerts: new and changed alerts pushed to open triage pages (app.alertFeed).
  await app.register(alertFeedPlugin);
  // E-mail and signed webhooks for new alerts, rules, school hours, escalation (app.alertFeed).
  await app.register(notificationsPlugin);
  // Incident exports for the DSL: PDF, JSON, CSV, evidence bundles (app.alertFeed).
  await app.register(exportsPlugin);
  // The governors' report (/api/reports/governors, .csv, .pdf): counts only.
  await app.register(reportsPlugin);
  await app.register(adminPlugin);
  // The pupil directory: MIS import, the DSL's pupil page (alerts and tiles match through pupils/pupil-match.ts).
  await app.register(pupilsPlugin);
  await app.register(auditPlugin);
  // Agent packages (GET /downloads/:file) and the enrolment page's install facts.
  await app.register(downloadsPlugin);

  // Last: the console's SPA fallback answers whatever no feature claimed.
  await app.register(consolePlugin, { consoleDir: options.consoleDir });
}
