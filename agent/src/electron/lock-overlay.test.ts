import { describe, expect, it } from 'vitest';
import { FakeClock } from '@vigil/agent/platform/fake';
import { IPC } from './ipc-channels.ts';
import { BLOCKED_SHORTCUTS, LockOverlay } from './lock-overlay.ts';
import { builtShellPaths } from './shell-paths.ts';
import { createFakeElectron, type FakeElectron } from './testing/fake-electron.ts';

const paths = builtShellPaths('/opt/vigil/dist/electron');
const twoDisplays = [
  { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, scaleFactor: 1 },
  { id: 2, bounds: { x: 1920, y: 0, width: 1280, height: 1024 }, scaleFactor: 1 },
];

function rig(electron: FakeElectron = createFakeElectron({ displays: structuredClone(twoDisplays) }), reassertMs?: number) {
  const clock = new FakeClock();
  const overlay = new LockOverlay({ electron, paths, clock, reassertMs });
  return { electron, clock, overlay, lockWindows: () => electron.pageWindows('lock') };
}

/** Lets the fake windows "load" their pages (they do so after loadFile returns, like Electron). */
const pagesLoaded = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('LockOverlay', () => {
  it('covers every display with a locked-down kiosk window on top of everything', () => {
    const { overlay, lockWindows } = rig();
    overlay.show({ message: 'Eyes on the board', by: 'Ms Patel' });
    const wins = lockWindows();
    expect(wins).toHaveLength(2);
    expect(wins.map((w) => w.bounds)).toEqual(twoDisplays.map((d) => d.bounds));
    for (const win of wins) {
      expect(win.options).toMatchObject({
        fullscreen: true,
        kiosk: true,
        frame: false,
        skipTaskbar: true,
        closable: false,
        minimizable: false,
        movable: false,
        resizable: false,
      });
      expect(win.options.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        devTools: false,
        preload: paths.preload('lock'),
      });
      expect(win.alwaysOnTop).toEqual({ flag: true, level: 'screen-saver' });
      expect(win.allWorkspaces).toEqual({ visible: true, options: { visibleOnFullScreen: true } });
      expect(win.visible).toBe(true);
      expect(win.loadedFile).toBe(paths.page('lock'));
      expect(win.webContents.openHandler?.()).toEqual({ action: 'deny' });
    }
    expect(overlay.shown).toBe(true);
  });

  it('sends the message, who locked and the end time to each page once it has loaded', async () => {
    const { overlay, lockWindows } = rig();
    overlay.show({ message: 'Eyes on the board', by: 'Ms Patel', until: Date.UTC(2025, 0, 6, 9, 5) });
    await pagesLoaded();
    const state = { message: 'Eyes on the board', by: 'Ms Patel', until: Date.UTC(2025, 0, 6, 9, 5) };
    for (const win of lockWindows()) expect(win.webContents.last(IPC.lockState)).toEqual(state);
    // A second lock while locked updates the pages in place.
    overlay.show({ message: 'Pens down' });
    for (const win of lockWindows()) expect(win.webContents.last(IPC.lockState)).toEqual({ message: 'Pens down', by: '' });
    expect(lockWindows()).toHaveLength(2);
  });

  it('refuses to close while locked, and shows a window again if it goes anyway', () => {
    const { electron, overlay, lockWindows } = rig();
    overlay.show({});
    const [first] = lockWindows();
    first?.close();
    expect(first?.destroyed).toBe(false);
    first?.destroy();
    expect(lockWindows()).toHaveLength(2);
    expect(electron.windows).toHaveLength(3);
    expect(
      lockWindows()
        .map((w) => w.bounds.x)
        .sort(),
    ).toEqual([0, 1920]);
  });

  it('replaces a window whose page crashed or was killed', () => {
    const { overlay, lockWindows } = rig();
    overlay.show({});
    const [first] = lockWindows();
    first?.crash();
    expect(first?.destroyed).toBe(true);
    expect(lockWindows()).toHaveLength(2);
    expect(lockWindows()).not.toContain(first);
  });

  it('follows displays being added, removed and changed', () => {
    const { electron, overlay, lockWindows } = rig();
    overlay.show({ message: 'm' });
    electron.screen.addDisplay({ id: 3, bounds: { x: 0, y: 1080, width: 1024, height: 768 }, scaleFactor: 1 });
    expect(lockWindows()).toHaveLength(3);
    expect(overlay.windows.get(3)?.isDestroyed()).toBe(false);
    electron.screen.removeDisplay(2);
    expect(lockWindows()).toHaveLength(2);
    expect([...overlay.windows.keys()].sort()).toEqual([1, 3]);
    const before = overlay.windows.get(1);
    electron.screen.changeDisplay(1, { x: 0, y: 0, width: 2560, height: 1440 });
    expect(before?.isDestroyed()).toBe(true);
    expect(lockWindows().find((w) => w.bounds.width === 2560)).toBeDefined();
    expect(lockWindows()).toHaveLength(2);
  });

  it('does nothing with display changes while unlocked', () => {
    const { electron, overlay } = rig();
    electron.screen.addDisplay({ id: 3, bounds: { x: 0, y: 1080, width: 1024, height: 768 }, scaleFactor: 1 });
    expect(electron.windows).toHaveLength(0);
    expect(overlay.shown).toBe(false);
  });

  it('is removed on unlock, and a window closed then stays closed', () => {
    const { electron, overlay, lockWindows } = rig();
    const changes: boolean[] = [];
    overlay.onChange((shown) => changes.push(shown));
    overlay.show({});
    overlay.hide();
    expect(lockWindows()).toEqual([]);
    expect(electron.windows.every((w) => w.destroyed)).toBe(true);
    expect(changes).toEqual([true, false]);
    expect(overlay.shown).toBe(false);
  });

  it('removes itself when the countdown ends', () => {
    const { clock, overlay, lockWindows } = rig();
    overlay.show({ message: 'Back in five', until: clock.now() + 5 * 60_000 });
    clock.advance(5 * 60_000 - 1);
    expect(lockWindows()).toHaveLength(2);
    clock.advance(1);
    expect(lockWindows()).toEqual([]);
    expect(overlay.shown).toBe(false);
  });

  it('waits out a timed lock longer than a timer can (30 days) without ending early', () => {
    const day = 86_400_000;
    // Re-asserted hourly here only so the fake clock need not step through every second of 30 days.
    const { clock, overlay } = rig(undefined, 3_600_000);
    overlay.show({ until: clock.now() + 30 * day });
    clock.advance(29 * day);
    expect(overlay.shown).toBe(true);
    clock.advance(day);
    expect(overlay.shown).toBe(false);
  });

  it('is not shown for a timed lock that is already over', () => {
    const { clock, electron, overlay } = rig();
    overlay.show({ until: clock.now() });
    expect(overlay.shown).toBe(false);
    expect(electron.windows).toHaveLength(0);
  });

  it('takes the usual escape shortcuts while locked, says which the OS kept, and gives them back', () => {
    const { electron, overlay } = rig();
    electron.globalShortcut.reserved.add('Alt+Tab');
    overlay.show({});
    expect([...electron.globalShortcut.registered.keys()]).toEqual(BLOCKED_SHORTCUTS.filter((s) => s !== 'Alt+Tab'));
    for (const combo of ['Alt+F4', 'CommandOrControl+W', 'CommandOrControl+Q', 'F11', 'Escape', 'Super+Tab'])
      expect(electron.globalShortcut.registered.has(combo)).toBe(true);
    expect(overlay.refusedShortcuts).toEqual(['Alt+Tab']);
    overlay.hide();
    expect(electron.globalShortcut.registered.size).toBe(0);
  });

  it('takes focus back when it goes to another program, but not between its own windows', () => {
    const { clock, electron, overlay } = rig();
    overlay.show({});
    const primary = electron.pageWindows('lock').find((w) => w === overlay.windows.get(1));
    const second = electron.pageWindows('lock').find((w) => w === overlay.windows.get(2));
    expect(electron.focusedWindow).toBe(primary);
    primary?.blur();
    clock.advance(100);
    expect(electron.focusedWindow).toBe(primary);
    // The pupil clicks the overlay on the second display: that is fine.
    second?.focus();
    primary?.blur();
    clock.advance(100);
    expect(electron.focusedWindow).toBe(second);
  });

  it('puts its windows back on top and re-creates missing ones every second while locked', () => {
    const { clock, overlay, lockWindows } = rig();
    overlay.show({});
    const [first] = lockWindows();
    first?.setAlwaysOnTop(false);
    clock.advance(1_000);
    expect(first?.alwaysOnTop).toEqual({ flag: true, level: 'screen-saver' });
    expect(first?.moveTopCalls).toBeGreaterThan(1);
    overlay.hide();
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops following displays once disposed', () => {
    const { electron, overlay } = rig();
    overlay.show({});
    overlay.dispose();
    expect(electron.screen.listenerCount('display-added')).toBe(0);
    expect(overlay.shown).toBe(false);
  });
});
