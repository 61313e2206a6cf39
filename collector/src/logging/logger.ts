import { pino, type DestinationStream, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type * as PinoPrettyModule from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config/config.ts';

export type { Logger } from 'pino';

/**
 * A pretty line's message: `[db] could not connect: ECONNREFUSED …`. An error's message
 * joins the line (its stack would take a dozen more: LOG_FORMAT=json keeps it).
 */
export function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const module = typeof log.module === 'string' ? `[${log.module}] ` : '';
  const message = typeof log[messageKey] === 'string' ? log[messageKey] : '';
  const err = log.err;
  const errorMessage = typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string' ? err.message : undefined;
  const withError = errorMessage === undefined || errorMessage === '' || message.includes(errorMessage) ? message : `${message}: ${errorMessage}`;
  return `${module}${withError}`;
}

/**
 * How a person reads the log: one line per event, `[08:30:00] INFO: [db] message {fields}`.
 * Hostname, pid and the service name add nothing in a terminal and are left out.
 */
export const prettyOptions = {
  colorize: false,
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss',
  ignore: 'pid,hostname,service,module,err',
  messageFormat: prettyMessage,
} as const;

/**
 * The pretty printer as a stream in this process (not a worker transport): a line is
 * written before the call returns, so a shutdown's last lines and a crash's fatal line
 * are never lost. `destination` defaults to stdout; colours only on a terminal.
 */
export function prettyStream(destination?: NodeJS.WritableStream): DestinationStream {
  // Required here, not imported at the top: a collector logging JSON (a service) never loads it (~15 MiB).
  const { PinoPretty } = createRequire(import.meta.url)('pino-pretty') as typeof PinoPrettyModule;
  return PinoPretty({
    ...prettyOptions,
    colorize: destination === undefined && process.stdout.isTTY === true,
    sync: true,
    destination: destination ?? 1,
  });
}

/**
 * The collector's root logger; Fastify uses it too, so request logs and module logs
 * share one stream. Credentials that could reach a log line are redacted by path.
 * `format`: `json` (one JSON object a line, for log shippers) or `pretty` (for people,
 * see prettyStream); an explicit `destination` stream wins over either (tests).
 */
export function createLogger(level: LogLevel, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { service: 'vigil-collector' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.secret', '*.token'],
      censor: '[redacted]',
    },
  };
  if (destination !== undefined) return pino(options, destination);
  return format === 'pretty' ? pino(options, prettyStream()) : pino(options);
}

/** A child logger tagged with the module that writes through it (`{module: 'db'}`). */
export function moduleLogger(parent: Logger, module: string): Logger {
  return parent.child({ module });
}

/**
 * Something the operator must act on, as plain lines of its own (never inside JSON or
 * after a timestamp, so a terminal makes the link clickable and a copy takes nothing
 * else): on stdout beside pretty logs; on stderr beside JSON logs, keeping stdout pure
 * JSON for log shippers. Written synchronously, before anything that could exit.
 */
export function writeNotice(
  format: LogFormat,
  lines: readonly string[],
  out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
): void {
  const text = `\n${lines.map((line) => (line === '' ? '' : `  ${line}`)).join('\n')}\n\n`;
  (format === 'pretty' ? out.stdout : out.stderr).write(text);
}
