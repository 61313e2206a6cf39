import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrayStatus } from './tray.controller.ts';

export type PageName = 'lock' | 'message' | 'aup';

/** Where the built pages, preloads and tray icons are (see build.ts for the layout). */
export interface ShellPaths {
  page(name: PageName): string;
  preload(name: PageName): string;
  trayIcon(status: TrayStatus): string;
}

/** The layout build.ts writes under `dir` (agent/dist/electron, or app.asar/dist/electron when packaged). */
export function builtShellPaths(dir: string): ShellPaths {
  return {
    page: (name) => join(dir, 'renderer', `${name}.html`),
    preload: (name) => join(dir, 'preload', `${name}.preload.cjs`),
    trayIcon: (status) => join(dir, 'assets', `tray-${status}.png`),
  };
}

/**
 * The bundled main script sits in dist/electron next to its pages; run from source
 * (src/electron/main.ts) the pages are in ../../dist/electron once build.ts has run.
 */
export function locateBuiltShell(mainDir: string): string {
  if (existsSync(join(mainDir, 'renderer', 'lock.html'))) return mainDir;
  return join(mainDir, '..', '..', 'dist', 'electron');
}
