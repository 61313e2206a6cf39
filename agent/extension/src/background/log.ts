/* eslint-disable no-console -- the service worker's console is its log, as pino's stdout is the desktop agent's */
// Structured log lines in the service worker's console, plus the last few hundred in memory
// for the diagnostics the tests and the extension page read. Never log typed text.

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  time: number;
  [key: string]: unknown;
}

export interface ExtensionLogger {
  debug(obj: object, msg?: string): void;
  debug(msg: string): void;
  info(obj: object, msg?: string): void;
  info(msg: string): void;
  warn(obj: object, msg?: string): void;
  warn(msg: string): void;
  error(obj: object, msg?: string): void;
  error(msg: string): void;
}

const RING = 500;
const lines: LogLine[] = [];

function errorFields(obj: Record<string, unknown>): Record<string, unknown> {
  const err = obj.err;
  if (!(err instanceof Error)) return obj;
  return { ...obj, err: { message: err.message, name: err.name } };
}

function write(level: LogLine['level'], a: object | string, b?: string): void {
  const fields = typeof a === 'string' ? {} : errorFields(a as Record<string, unknown>);
  const msg = typeof a === 'string' ? a : (b ?? '');
  const line: LogLine = { ...fields, level, msg, time: Date.now() };
  lines.push(line);
  if (lines.length > RING) lines.splice(0, lines.length - RING);
  if (level === 'debug') return;
  const out = level === 'error' ? console.error : level === 'warn' ? console.warn : console.info;
  out(`[vigil] ${msg}`, fields);
}

export const log: ExtensionLogger = {
  debug: (a: object | string, b?: string) => write('debug', a, b),
  info: (a: object | string, b?: string) => write('info', a, b),
  warn: (a: object | string, b?: string) => write('warn', a, b),
  error: (a: object | string, b?: string) => write('error', a, b),
};

/** The recent log lines (diagnostics; read by the end-to-end tests through the worker). */
export function recentLogs(): readonly LogLine[] {
  return lines;
}
