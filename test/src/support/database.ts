// A fresh, empty database per test file on the run's PostgreSQL server (provided by the
// collector's vitest globalSetup). The collector process applies the migrations itself at
// start-up, exactly as in production.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string;
    databaseServerKind: 'external' | 'embedded';
  }
}

export interface SystemDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createSystemDatabase(): Promise<SystemDatabase> {
  const serverUrl = inject('databaseServerUrl');
  const name = `vigil_e2e_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, (client) => client.query(`create database ${client.escapeIdentifier(name)}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 3 });
  let dropping: Promise<void> | undefined;
  return {
    url: url.toString(),
    pool,
    drop: () =>
      (dropping ??= (async () => {
        await pool.end();
        await onServer(serverUrl, (client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`));
      })()),
  };
}
