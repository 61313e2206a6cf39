import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeScreenLocker } from '@vigil/agent/platform/fake';
import type { LockRequest } from '../../core/ports.ts';
import { createFakeElectron } from '../../electron/testing/fake-electron.ts';
import { ElectronIdleSource } from './idle-source.electron.ts';
import { ElectronNotifier } from './notifier.electron.ts';
import { OsLockEvents } from './os-lock-events.electron.ts';
import { ElectronScreenCapture } from './screen-capture.electron.ts';
import { ElectronScreenLocker, type LockOverlayPort } from './screen-locker.electron.ts';

class RecordingOverlay implements LockOverlayPort {
  readonly shownWith: LockRequest[] = [];
  shown = false;
  show(request: LockRequest): void {
    this.shownWith.push(request);
    this.shown = true;
  }
  hide(): void {
    this.shown = false;
  }
}

describe('ElectronIdleSource', () => {
  it('reads the idle time from powerMonitor and refuses a nonsense value', async () => {
    const electron = createFakeElectron();
    const idle = new ElectronIdleSource(electron.powerMonitor);
    electron.powerMonitor.idleSeconds = 42;
    expect(await idle.idleSeconds()).toBe(42);
    electron.powerMonitor.idleSeconds = -1;
    await expect(idle.idleSeconds()).rejects.toThrow('idle time -1');
  });
});

describe('OsLockEvents', () => {
  it('follows lock-screen / unlock-screen and is "not known" before the first event', () => {
    const electron = createFakeElectron();
    const events = new OsLockEvents(electron.powerMonitor);
    const seen: boolean[] = [];
    events.onChange((locked) => seen.push(locked));
    expect(events.locked).toBeUndefined();
    electron.powerMonitor.lockScreen();
    electron.powerMonitor.lockScreen();
    electron.powerMonitor.unlockScreen();
    expect(seen).toEqual([true, false]);
    events.dispose();
    electron.powerMonitor.lockScreen();
    expect(events.locked).toBe(false);
    expect(electron.powerMonitor.listenerCount('lock-screen')).toBe(0);
  });
});

describe('ElectronScreenCapture', () => {
  it('asks the capturer for a thumbnail already downscaled, of the primary display, and hashes the JPEG', async () => {
    const electron = createFakeElectron({
      displays: [
        { id: 7, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, scaleFactor: 1 },
        { id: 3, bounds: { x: 1920, y: 0, width: 1280, height: 1024 }, scaleFactor: 1 },
      ],
    });
    electron.screen.primaryId = 3;
    electron.desktopCapturer.sourceDisplayIds = ['7', '3'];
    const capture = new ElectronScreenCapture({ desktopCapturer: electron.desktopCapturer, screen: electron.screen });
    const image = await capture.capture({ maxWidth: 320, quality: 60 });
    expect(electron.desktopCapturer.calls).toEqual([{ types: ['screen'], thumbnailSize: { width: 320, height: 256 }, fetchWindowIcons: false }]);
    expect(image).toMatchObject({ width: 320, height: 256, mime: 'image/jpeg' });
    expect(Buffer.from(image.bytes).toString('latin1')).toContain('320x256 q60');
    expect(image.sha256).toBe(createHash('sha256').update(image.bytes).digest('hex'));
  });

  it('never asks for more pixels than the screen has, counting its scale factor', async () => {
    const electron = createFakeElectron({ displays: [{ id: 1, bounds: { x: 0, y: 0, width: 800, height: 600 }, scaleFactor: 2 }] });
    const capture = new ElectronScreenCapture({ desktopCapturer: electron.desktopCapturer, screen: electron.screen });
    await capture.capture({ maxWidth: 3840 });
    expect(electron.desktopCapturer.calls[0]?.thumbnailSize).toEqual({ width: 1600, height: 1200 });
  });

  it('fails clearly when there is no screen source or the image is empty', async () => {
    const electron = createFakeElectron();
    const capture = new ElectronScreenCapture({ desktopCapturer: electron.desktopCapturer, screen: electron.screen });
    electron.desktopCapturer.sourceDisplayIds = [];
    await expect(capture.capture({ maxWidth: 320 })).rejects.toThrow('found no screen');
    electron.desktopCapturer.sourceDisplayIds = undefined;
    electron.desktopCapturer.emptyThumbnails = true;
    await expect(capture.capture({ maxWidth: 320 })).rejects.toThrow('empty image');
  });
});

describe('ElectronScreenLocker', () => {
  it('shows the overlay for a teacher lock and uses the OS lock for an idle lock', async () => {
    const overlay = new RecordingOverlay();
    const osLocker = new FakeScreenLocker();
    const locker = new ElectronScreenLocker({ overlay, osLocker });
    await locker.lock({ message: 'Eyes on the board', by: 'Ms Patel', until: 5, reason: 'teacher' });
    await locker.lock({ message: 'no reason given means teacher' });
    expect(overlay.shownWith).toEqual([
      { message: 'Eyes on the board', by: 'Ms Patel', until: 5, reason: 'teacher' },
      { message: 'no reason given means teacher' },
    ]);
    expect(osLocker.calls).toEqual([]);
    await locker.unlock();
    await locker.lock({ reason: 'idle' });
    expect(osLocker.calls).toEqual([{ op: 'lock', reason: 'idle' }]);
    expect(overlay.shown).toBe(false);
  });

  it('never opens an OS lock on a teacher unlock, and counts every kind of lock as locked', async () => {
    const overlay = new RecordingOverlay();
    const osLocker = new FakeScreenLocker();
    const electron = createFakeElectron();
    const events = new OsLockEvents(electron.powerMonitor);
    const locker = new ElectronScreenLocker({ overlay, osLocker, osLockEvents: events });
    expect(await locker.isLocked()).toBe(false);
    await locker.lock({ reason: 'idle' });
    await locker.unlock();
    expect(osLocker.calls).toEqual([{ op: 'lock', reason: 'idle' }]);
    expect(await locker.isLocked()).toBe(true);
    osLocker.setLocked(false);
    electron.powerMonitor.lockScreen();
    expect(await locker.isLocked()).toBe(true);
    electron.powerMonitor.unlockScreen();
    await locker.lock({ reason: 'teacher' });
    expect(await locker.isLocked()).toBe(true);
  });
});

describe('ElectronNotifier', () => {
  it('puts the message in the message window', async () => {
    const shown: string[] = [];
    await new ElectronNotifier({ show: (title, body) => void shown.push(`${title}: ${body}`) }).notify('Message from Mr Jones', 'Save your work');
    expect(shown).toEqual(['Message from Mr Jones: Save your work']);
  });
});
