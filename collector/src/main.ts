// The collector process: `node collector/src/main.ts` (what `pnpm start` runs).
import { buildApp } from './app.ts';
import { announceFirstRunSetup } from './auth/first-run.service.ts';
import { describeConfig, loadConfig } from './config/config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { createLogger, moduleLogger, writeNotice } from './logging/logger.ts';
import { announceTls } from './tls/tls-announce.ts';
import { loadTlsMaterial, type TlsMaterial } from './tls/tls-material.ts';

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  // One line an operator can act on; a stack trace would only bury it.
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
const { config } = loaded;
const log = createLogger(config.logLevel, undefined, config.logFormat);
const mainLog = moduleLogger(log, 'main');
mainLog.info({ config: describeConfig(config) }, 'starting the Vigil collector');

// Before the database: a bad certificate or key stops start-up at once, naming the variable.
let tls: TlsMaterial | undefined;
try {
  tls = await loadTlsMaterial(config, moduleLogger(log, 'tls'));
} catch (error) {
  mainLog.fatal({ err: error }, error instanceof Error ? error.message : 'could not set up TLS');
  log.flush();
  process.exit(1);
}

let database: Database;
try {
  database = await openDatabase(config, moduleLogger(log, 'db'));
} catch (error) {
  mainLog.fatal({ err: error }, 'could not open the database');
  process.exit(1);
}

const app = await buildApp(config, { database, logger: log, tls });

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  mainLog.info({ signal }, 'shutting down');
  let code = 0;
  try {
    await app.close();
  } catch (error) {
    mainLog.error({ err: error }, 'closing the HTTP server failed');
    code = 1;
  }
  try {
    await database.close();
  } catch (error) {
    mainLog.error({ err: error }, 'closing the database failed');
    code = 1;
  }
  mainLog.info('stopped');
  log.flush();
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, (received) => void shutdown(received));
}

try {
  // A deep accept queue: after a restart every agent of a trust connects within seconds (Linux caps it at somaxconn).
  await app.listen({ port: config.port, host: config.host, backlog: 4096 });
} catch (error) {
  mainLog.fatal({ err: error }, `could not listen on ${config.host}:${config.port}`);
  await database.close();
  process.exit(1);
}
const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
if (tls !== undefined && app.agentTls !== undefined) {
  try {
    await app.agentTls.listen(config.host);
  } catch (error) {
    mainLog.fatal({ err: error }, `could not listen on ${config.host}:${tls.port} (TLS_PORT; TLS=off to serve no TLS)`);
    await app.close();
    await database.close();
    process.exit(1);
  }
}
mainLog.info(
  { url: config.publicUrl ?? `http://${shownHost}:${config.port}`, database: database.kind },
  `Vigil collector listening on http://${shownHost}:${config.port}`,
);
const consoleUrl = config.publicUrl ?? `http://${shownHost}:${config.port}`;
try {
  // While no admin exists: one log line with the one-time link that creates the first one,
  // and the same link on a line of its own (clickable, nothing else to copy), then what
  // comes after it.
  const setupLink = await announceFirstRunSetup(app, consoleUrl);
  if (setupLink !== undefined) {
    const agentUrl =
      tls === undefined ? 'wss://<your TLS proxy>' : `wss://${config.publicUrl === undefined ? shownHost : new URL(config.publicUrl).hostname}:${tls.port}`;
    writeNotice(config.logFormat, [
      'First run: there is no admin account yet. Open this link within 24 hours to create one',
      '(it works once; a restart prints a new one):',
      '',
      setupLink,
      '',
      'Then the console shows a getting-started checklist. To monitor a PC:',
      '  1. Admin → Rooms & devices: add your school (a site) and a room.',
      '  2. Admin → Enrolment tokens: create a token for the room; the console shows the agent command.',
      `  3. On the PC (or in a second terminal here): pnpm agent -- --collector ${agentUrl} --enrol-token <token>`,
    ]);
  }
} catch (error) {
  mainLog.error({ err: error }, 'could not issue the first-run setup link');
}
// A newcomer's next step, said once at start: how a PC joins this collector, over TLS.
announceTls(mainLog, config, tls, shownHost);
