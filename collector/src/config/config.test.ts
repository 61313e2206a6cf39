import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from './config.ts';
import { maskUrlPassword } from './mask.ts';

function failure(env: Record<string, string>): string {
  const result = loadConfig(env, '/srv/vigil');
  if (result.ok) throw new Error(`expected a config error for ${JSON.stringify(env)}`);
  expect(result.code).toBe('config-invalid');
  expect(result.message).not.toContain('\n');
  return result.message;
}

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const result = loadConfig({}, '/srv/vigil', false);
    expect(result).toEqual({
      ok: true,
      config: {
        port: 8080,
        host: '0.0.0.0',
        databaseUrl: undefined,
        databaseMigrationUrl: undefined,
        dataDir: '/srv/vigil/data',
        logLevel: 'info',
        logFormat: 'json',
        publicUrl: undefined,
        wordlistsDir: resolve(import.meta.dirname, '../../../wordlists'),
        tls: { mode: 'on', port: 8443, certFile: undefined, keyFile: undefined, hostnames: [], nextPins: [], nextKeyFile: undefined },
      },
    });
  });

  it('reads every variable and resolves directories against the working directory', () => {
    const result = loadConfig(
      {
        PORT: '9000',
        HOST: '127.0.0.1',
        DATABASE_URL: 'postgres://vigil:s3cret@db.school.lan:5432/vigil',
        DATABASE_MIGRATION_URL: 'postgres://vigil_owner:0wn3r@db.school.lan:5432/vigil',
        DATA_DIR: 'state',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'pretty',
        PUBLIC_URL: 'https://vigil.school.lan/',
        WORDLISTS_DIR: '/etc/vigil/wordlists',
      },
      '/srv/vigil',
    );
    expect(result.ok && result.config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      databaseUrl: 'postgres://vigil:s3cret@db.school.lan:5432/vigil',
      databaseMigrationUrl: 'postgres://vigil_owner:0wn3r@db.school.lan:5432/vigil',
      dataDir: '/srv/vigil/state',
      logLevel: 'debug',
      logFormat: 'pretty',
      publicUrl: 'https://vigil.school.lan',
      wordlistsDir: '/etc/vigil/wordlists',
    });
  });

  it('logs pretty lines to a terminal and JSON to anything else, unless LOG_FORMAT says', () => {
    const format = (env: Record<string, string>, tty: boolean) => {
      const result = loadConfig(env, '/srv/vigil', tty);
      return result.ok ? result.config.logFormat : result.message;
    };
    expect(format({}, true)).toBe('pretty');
    expect(format({}, false)).toBe('json');
    expect(format({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(format({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(format({ LOG_FORMAT: ' ' }, true)).toBe('pretty');
  });

  it('migrates as the DATABASE_URL role when DATABASE_MIGRATION_URL is unset', () => {
    const result = loadConfig({ DATABASE_URL: 'postgres://vigil@db/vigil', DATABASE_MIGRATION_URL: ' ' }, '/srv/vigil');
    expect(result.ok && result.config.databaseMigrationUrl).toBe('postgres://vigil@db/vigil');
  });

  it('returns a frozen config', () => {
    const result = loadConfig({}, '/srv/vigil');
    expect(result.ok && Object.isFrozen(result.config)).toBe(true);
  });

  it('treats empty values as unset', () => {
    const result = loadConfig({ PORT: '', DATABASE_URL: '  ' }, '/srv/vigil');
    expect(result.ok && result.config.port).toBe(8080);
    expect(result.ok && result.config.databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'config error: PORT must be an integer 1..65535 (got "abc")'],
    [{ PORT: '0' }, 'config error: PORT must be an integer 1..65535 (got "0")'],
    [{ PORT: '70000' }, 'config error: PORT must be an integer 1..65535 (got "70000")'],
    [{ PORT: '80.5' }, 'config error: PORT must be an integer 1..65535 (got "80.5")'],
    [{ HOST: 'not a host!' }, 'config error: HOST must be an IP address or host name (got "not a host!")'],
    [{ DATABASE_URL: 'mysql://root@db/vigil' }, 'config error: DATABASE_URL must be a postgres:// URL (got "mysql://root@db/vigil")'],
    [{ DATABASE_URL: 'localhost:5432' }, 'config error: DATABASE_URL must be a postgres:// URL (got "localhost:5432")'],
    [
      { DATABASE_URL: 'postgres://vigil@db/vigil', DATABASE_MIGRATION_URL: 'owner@db/vigil' },
      'config error: DATABASE_MIGRATION_URL must be a postgres:// URL (got "owner@db/vigil")',
    ],
    [
      { DATABASE_MIGRATION_URL: 'postgres://owner@db/vigil' },
      'config error: DATABASE_MIGRATION_URL needs DATABASE_URL (the embedded database sets up its own roles)',
    ],
    [{ LOG_LEVEL: 'verbose' }, 'config error: LOG_LEVEL must be one of fatal|error|warn|info|debug|trace|silent (got "verbose")'],
    [{ LOG_FORMAT: 'text' }, 'config error: LOG_FORMAT must be one of pretty|json (got "text")'],
    [{ PUBLIC_URL: 'ftp://vigil' }, 'config error: PUBLIC_URL must be an http:// or https:// URL (got "ftp://vigil")'],
  ])('names the bad variable in one line: %j', (env, line) => {
    expect(failure(env)).toBe(line);
  });

  it('never echoes the password of a bad DATABASE_URL', () => {
    const message = failure({ DATABASE_URL: 'mysql://root:hunter2@db/vigil' });
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2');
  });

  it('never echoes the password of a bad DATABASE_MIGRATION_URL', () => {
    const message = failure({ DATABASE_URL: 'postgres://vigil@db/vigil', DATABASE_MIGRATION_URL: 'mysql://owner:hunter2@db/vigil' });
    expect(message).toBe('config error: DATABASE_MIGRATION_URL must be a postgres:// URL (got "mysql://owner:***@db/vigil")');
  });

  it('reports every bad variable on the same line', () => {
    expect(failure({ PORT: 'x', LOG_LEVEL: 'loud' })).toBe(
      'config error: PORT must be an integer 1..65535 (got "x"); LOG_LEVEL must be one of fatal|error|warn|info|debug|trace|silent (got "loud")',
    );
  });

  it('accepts IPv6 and host names for HOST', () => {
    expect(loadConfig({ HOST: '::' }).ok).toBe(true);
    expect(loadConfig({ HOST: 'collector.school.lan' }).ok).toBe(true);
  });
});

describe('secrets in logs', () => {
  it('describeConfig masks the database password', () => {
    const result = loadConfig({ DATABASE_URL: 'postgresql://vigil:s3cret@db:5432/vigil' });
    if (!result.ok) throw new Error(result.message);
    const described = JSON.stringify(describeConfig(result.config));
    expect(described).not.toContain('s3cret');
    expect(described).toContain('postgresql://vigil:***@db:5432/vigil');
  });

  it('describeConfig masks the migration role password too', () => {
    const result = loadConfig({ DATABASE_URL: 'postgres://vigil:s3cret@db/vigil', DATABASE_MIGRATION_URL: 'postgres://owner:0wn3r@db/vigil' });
    if (!result.ok) throw new Error(result.message);
    const described = JSON.stringify(describeConfig(result.config));
    expect(described).not.toContain('0wn3r');
    expect(described).toContain('postgres://owner:***@db/vigil');
  });

  it('maskUrlPassword masks malformed URLs too and leaves password-less ones alone', () => {
    expect(maskUrlPassword('postgres://u:p%40ss@[bad/db')).toBe('postgres://u:***@[bad/db');
    expect(maskUrlPassword('postgres://postgres@127.0.0.1:5432/postgres')).toBe('postgres://postgres@127.0.0.1:5432/postgres');
  });
});
