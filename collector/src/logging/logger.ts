import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/config.ts';

export type { Logger } from 'pino';

/**
 * The collector's root logger; Fastify uses it too, so request logs and module logs
 * share one stream. Credentials that could reach a log line are redacted by path.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'vigil-collector' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.secret',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** A child logger tagged with the module that writes through it (`{module: 'db'}`). */
export function moduleLogger(parent: Logger, module: string): Logger {
  return parent.child({ module });
}
