import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { maskUrlPassword } from './mask.ts';
import { describeOidcEnv, readOidcEnv, type OidcEnvConfig } from './oidc-env.ts';
import { readTlsEnv, type TlsConfig } from './tls-config.ts';

// Where `WORDLISTS_DIR` points when unset: the repository's own `wordlists/`.
const repoRoot = resolve(import.meta.dirname, '../../..');

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof logLevels)[number];

/** pretty: one readable line per event (for a person at a terminal); json: one JSON object a line (for log shippers). */
export const logFormats = ['pretty', 'json'] as const;

export type LogFormat = (typeof logFormats)[number];

export interface CollectorConfig {
  /** TCP port the HTTP/WebSocket server listens on. */
  readonly port: number;
  /**
   * Interface to bind. Defaults to 0.0.0.0 because agents on other PCs must reach the
   * collector; set 127.0.0.1 behind a reverse proxy.
   */
  readonly host: string;
  /** An external PostgreSQL server; when absent the embedded PostgreSQL under `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  /**
   * The role that owns the schema: runs the migrations, grants `databaseUrl`'s role what
   * it needs and maintains partitions. `databaseUrl` when DATABASE_MIGRATION_URL is
   * unset; undefined with the embedded database, which sets up both roles itself.
   */
  readonly databaseMigrationUrl: string | undefined;
  /** Absolute directory for the embedded database, blobs and other state. */
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** LOG_FORMAT; unset: pretty when stdout is a terminal, JSON otherwise (a service, a pipe, a container). */
  readonly logFormat: LogFormat;
  /** The URL people and agents use to reach this collector (links, agent installers). */
  readonly publicUrl: string | undefined;
  /** Absolute directory holding the categorised word-list files. */
  readonly wordlistsDir: string;
  /** School sign-in provider from OIDC_* (wins over the console's settings); undefined: set in the console. */
  readonly oidc?: OidcEnvConfig | undefined;
  /** HTTPS + WSS for agents (TLS, TLS_PORT, TLS_CERT_FILE …): see config/tls-config.ts. */
  readonly tls: TlsConfig;
}

export type ConfigResult =
  { readonly ok: true; readonly config: CollectorConfig } | { readonly ok: false; readonly code: 'config-invalid'; readonly message: string };

type Env = Readonly<Record<string, string | undefined>>;

/** Shows a bad value back to the operator, never leaking a password inside it. */
function shown(raw: string): string {
  return JSON.stringify(maskUrlPassword(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw));
}

function isUrlWithProtocol(raw: string, protocols: readonly string[]): boolean {
  if (!URL.canParse(raw)) return false;
  const url = new URL(raw);
  return protocols.includes(url.protocol) && url.hostname !== '';
}

const hostnamePattern = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

const portSchema = z.coerce.number().int().min(1).max(65_535);
const hostSchema = z.union([z.ipv4(), z.ipv6(), z.string().regex(hostnamePattern)]);
const postgresUrlSchema = z.string().refine((raw) => isUrlWithProtocol(raw, ['postgres:', 'postgresql:']));
const httpUrlSchema = z.string().refine((raw) => isUrlWithProtocol(raw, ['http:', 'https:']));
const pathSchema = z.string().min(1);
const logLevelSchema = z.enum(logLevels);
const logFormatSchema = z.enum(logFormats);

/**
 * Reads the collector's configuration from the environment once. Empty strings count as
 * unset (env files often carry `DATABASE_URL=`). Never throws: a bad value comes back as
 * one line naming every offending variable, ready for stderr. `stdoutIsTty` picks the
 * log format when LOG_FORMAT is unset.
 */
export function loadConfig(env: Env, cwd: string = process.cwd(), stdoutIsTty: boolean = process.stdout.isTTY === true): ConfigResult {
  const problems: string[] = [];
  // Each variable carries the sentence an operator needs to fix it.
  const read = <T>(name: string, schema: z.ZodType<T>, rule: string): T | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    problems.push(`${name} ${rule} (got ${shown(raw)})`);
    return undefined;
  };

  const port = read('PORT', portSchema, 'must be an integer 1..65535');
  const host = read('HOST', hostSchema, 'must be an IP address or host name');
  const databaseUrl = read('DATABASE_URL', postgresUrlSchema, 'must be a postgres:// URL');
  const databaseMigrationUrl = read('DATABASE_MIGRATION_URL', postgresUrlSchema, 'must be a postgres:// URL');
  // The embedded database makes its own owner and app roles; an owner URL without the
  // server it belongs to is a mistake worth stopping for.
  if (databaseMigrationUrl !== undefined && databaseUrl === undefined && !problems.some((line) => line.startsWith('DATABASE_URL '))) {
    problems.push('DATABASE_MIGRATION_URL needs DATABASE_URL (the embedded database sets up its own roles)');
  }
  const dataDir = read('DATA_DIR', pathSchema, 'must be a directory path');
  const logLevel = read('LOG_LEVEL', logLevelSchema, `must be one of ${logLevels.join('|')}`);
  const logFormat = read('LOG_FORMAT', logFormatSchema, `must be one of ${logFormats.join('|')}`);
  const publicUrl = read('PUBLIC_URL', httpUrlSchema, 'must be an http:// or https:// URL');
  const wordlistsDir = read('WORDLISTS_DIR', pathSchema, 'must be a directory path');
  const oidc = readOidcEnv(env, problems);
  const tls = readTlsEnv(env, cwd, problems);

  if (problems.length > 0) {
    return { ok: false, code: 'config-invalid', message: `config error: ${problems.join('; ')}` };
  }
  const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(cwd, path));
  const config: CollectorConfig = Object.freeze({
    port: port ?? 8080,
    host: host ?? '0.0.0.0',
    databaseUrl,
    databaseMigrationUrl: databaseMigrationUrl ?? databaseUrl,
    dataDir: absolute(dataDir ?? './data'),
    logLevel: logLevel ?? 'info',
    logFormat: logFormat ?? (stdoutIsTty ? 'pretty' : 'json'),
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    wordlistsDir: absolute(wordlistsDir ?? resolve(repoRoot, 'wordlists')),
    ...(oidc === undefined ? {} : { oidc }),
    tls,
  });
  return { ok: true, config };
}

/** The configuration as it may appear in a log line: the database password masked. */
export function describeConfig(config: CollectorConfig): Record<string, unknown> {
  return {
    ...config,
    oidc: describeOidcEnv(config.oidc),
    databaseUrl: config.databaseUrl === undefined ? '(embedded)' : maskUrlPassword(config.databaseUrl),
    databaseMigrationUrl: config.databaseMigrationUrl === undefined ? '(embedded)' : maskUrlPassword(config.databaseMigrationUrl),
  };
}
