import type { Logger } from '../logging/logger.ts';

/**
 * The logging these services need: satisfied by a pino logger (CLI, tests) and by
 * Fastify's `app.log` children alike.
 */
export type ServiceLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
