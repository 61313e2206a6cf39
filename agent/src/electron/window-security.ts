import type { BrowserWindowConstructorOptions, BrowserWindowLike } from '../platform/electron/electron-api.ts';

type WebPreferences = NonNullable<BrowserWindowConstructorOptions['webPreferences']>;

/**
 * Every page runs isolated and sandboxed, without Node, with a preload that exposes only
 * what that page needs through contextBridge (Electron's security checklist).
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    // No devtools: a pupil must not be able to script the lock page away.
    devTools: false,
  };
}

/** Our pages never navigate or open windows; a link or script that tries is refused. */
export function lockDownNavigation(win: BrowserWindowLike): void {
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
