import { describe, expect, it } from 'vitest';
import { IPC } from './ipc-channels.ts';
import { MessageWindow } from './message-window.ts';
import { builtShellPaths } from './shell-paths.ts';
import { createFakeElectron } from './testing/fake-electron.ts';

const paths = builtShellPaths('/app/dist/electron');
const pagesLoaded = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MessageWindow', () => {
  it('shows a message in a small sandboxed window on top, and closes on OK', async () => {
    const electron = createFakeElectron();
    const messages = new MessageWindow({ electron, paths });
    messages.show('Message from Mr Jones', 'Save your work now');
    await pagesLoaded();
    const [win] = electron.pageWindows('message');
    expect(win?.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: paths.preload('message') });
    expect(win?.alwaysOnTop.flag).toBe(true);
    expect(win?.visible).toBe(true);
    expect(win?.webContents.last(IPC.message)).toEqual({ title: 'Message from Mr Jones', body: 'Save your work now', waiting: 0 });
    electron.ipcMain.send(IPC.messageDismiss, win?.webContents);
    expect(win?.destroyed).toBe(true);
    expect(messages.queue).toEqual([]);
  });

  it('queues messages in one window: OK shows the next, the last OK closes it', async () => {
    const electron = createFakeElectron();
    const messages = new MessageWindow({ electron, paths });
    messages.show('A', 'first');
    messages.show('B', 'second');
    await pagesLoaded();
    const [win] = electron.pageWindows('message');
    expect(electron.pageWindows('message')).toHaveLength(1);
    expect(win?.webContents.last(IPC.message)).toEqual({ title: 'A', body: 'first', waiting: 1 });
    electron.ipcMain.send(IPC.messageDismiss, win?.webContents);
    expect(win?.webContents.last(IPC.message)).toEqual({ title: 'B', body: 'second', waiting: 0 });
    electron.ipcMain.send(IPC.messageDismiss, win?.webContents);
    expect(win?.destroyed).toBe(true);
  });

  it('ignores a dismiss from any page but its own', async () => {
    const electron = createFakeElectron();
    const messages = new MessageWindow({ electron, paths });
    messages.show('A', 'first');
    await pagesLoaded();
    electron.ipcMain.send(IPC.messageDismiss, { some: 'other page' });
    expect(messages.queue).toHaveLength(1);
    expect(messages.window?.isDestroyed()).toBe(false);
  });

  it('shows the next message in a new window when the window is closed with its title-bar button', () => {
    const electron = createFakeElectron();
    const messages = new MessageWindow({ electron, paths });
    messages.show('A', 'first');
    messages.show('B', 'second');
    electron.pageWindows('message')[0]?.close();
    expect(electron.pageWindows('message')).toHaveLength(1);
    expect(messages.queue).toEqual([{ title: 'B', body: 'second' }]);
  });

  it('keeps the one on screen and the newest when too many wait', () => {
    const electron = createFakeElectron();
    const messages = new MessageWindow({ electron, paths, maxWaiting: 3 });
    for (const n of [1, 2, 3, 4, 5]) messages.show(`m${n}`, '');
    expect(messages.queue.map((m) => m.title)).toEqual(['m1', 'm4', 'm5']);
  });
});
