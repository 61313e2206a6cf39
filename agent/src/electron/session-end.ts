import type { ElectronApi } from '../platform/electron/electron-api.ts';

/**
 * Windows tells an app that the session is ending (log off, restart, shut down) only through
 * a window's 'query-session-end' / 'session-end' events, and does not emit before-quit. The
 * tray app has no window while idle, so it keeps one that is never shown and loads nothing,
 * just to hear that and send `bye` — otherwise every shutdown would look like a kill.
 */
export function watchSessionEnd(electron: Pick<ElectronApi, 'BrowserWindow'>, onEnd: () => void): { dispose(): void } {
  const win = new electron.BrowserWindow({
    show: false,
    width: 1,
    height: 1,
    skipTaskbar: true,
    focusable: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false },
  });
  let fired = false;
  const once = () => {
    if (fired) return;
    fired = true;
    onEnd();
  };
  win.on('query-session-end', once);
  win.on('session-end', once);
  return {
    dispose() {
      if (!win.isDestroyed()) win.destroy();
    },
  };
}
