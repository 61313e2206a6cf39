import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { AlertFeed } from '../alert-feed/alert-feed.ts';
import type { CollectorConfig } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { HealthRegistry } from '../health/health-registry.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The frozen collector configuration. */
    readonly config: CollectorConfig;
    /** The opened database: `app.database.db` (drizzle) and `app.database.pool` (pg). */
    readonly database: Database;
    /** Feature plugins add their own checks to GET /health here. */
    readonly health: HealthRegistry;
    /** New and changed alerts, told in-process (alert-feed/alert-feed.ts): live queue, notifications. */
    readonly alertFeed: AlertFeed;
  }
}

export interface ContextOptions {
  readonly config: CollectorConfig;
  readonly database: Database;
}

/** Shares config, database and the health registry with every plugin (hence fastify-plugin). */
const contextPlugin: FastifyPluginAsync<ContextOptions> = async (app, options) => {
  app.decorate('config', options.config);
  app.decorate('database', options.database);
  app.decorate('health', new HealthRegistry());
  app.decorate('alertFeed', new AlertFeed({ log: app.log.child({ module: 'alert-feed' }) }));
};

export default fp(contextPlugin, { name: 'vigil-context', fastify: '5.x' });
