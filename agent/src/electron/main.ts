// The tray app's entry, run by Electron (bundled to dist/electron/main.mjs by build.ts).
// Everything else is in tray-app.ts, which tests drive with a fake `electron`.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
import { pino } from 'pino';
import { builtShellPaths, locateBuiltShell } from './shell-paths.ts';
import { loadTrayConfig, trayLogFile } from './tray-config.ts';
import { startTrayApp } from './tray-app.ts';

const config = loadTrayConfig();
const log = pino(
  { level: config.ok ? config.config.logLevel : 'info', base: { pid: process.pid } },
  pino.destination({ dest: trayLogFile(electron.app.getPath('logs')), mkdir: true, sync: false }),
);
log.info({ configFile: config.path, ok: config.ok }, 'vigil tray app starting');

await startTrayApp(electron, {
  config,
  paths: builtShellPaths(locateBuiltShell(dirname(fileURLToPath(import.meta.url)))),
  log,
  process,
});
