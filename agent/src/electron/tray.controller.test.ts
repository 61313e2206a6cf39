import { describe, expect, it } from 'vitest';
import { builtShellPaths } from './shell-paths.ts';
import { createFakeElectron } from './testing/fake-electron.ts';
import { MONITORED_NOTICE, TrayController } from './tray.controller.ts';

const paths = builtShellPaths('/app/dist/electron');

function rig() {
  const electron = createFakeElectron();
  let aupShown = 0;
  const tray = new TrayController({ electron, iconFor: paths.trayIcon, onShowAup: () => void (aupShown += 1) });
  const fake = electron.trays[0];
  if (fake === undefined) throw new Error('no tray');
  return { tray, fake, aupShown: () => aupShown };
}

describe('TrayController', () => {
  it('starts offline, and shows connected and locked with their icon, tooltip and status line', () => {
    const { tray, fake } = rig();
    expect(fake.image).toBe('/app/dist/electron/assets/tray-offline.png');
    expect(fake.menu?.labels).toEqual([MONITORED_NOTICE, 'Status: offline — activity is kept and sent later']);

    tray.update({ connected: true, locked: false });
    expect(tray.status).toBe('connected');
    expect(fake.image).toBe('/app/dist/electron/assets/tray-connected.png');
    expect(fake.toolTip).toBe('Vigil — this computer is monitored. connected to the school');
    expect(fake.menu?.labels).toEqual([MONITORED_NOTICE, 'Status: connected to the school']);

    tray.update({ connected: true, locked: true });
    expect(tray.status).toBe('locked');
    expect(fake.image).toBe('/app/dist/electron/assets/tray-locked.png');
    expect(fake.menu?.labels[1]).toBe('Status: this screen is locked');

    tray.update({ connected: false, locked: false, problem: 'not set up, ask IT' });
    expect(fake.image).toBe('/app/dist/electron/assets/tray-offline.png');
    expect(fake.menu?.labels[1]).toBe('Status: not running — not set up, ask IT');
  });

  it('opens the acceptable use policy from the first menu line; the status line does nothing', () => {
    const { fake, aupShown } = rig();
    fake.menu?.choose(MONITORED_NOTICE);
    expect(aupShown()).toBe(1);
    expect(() => fake.menu?.choose('Status: offline — activity is kept and sent later')).toThrow('disabled');
  });

  it('offers no way to quit the app from the menu', () => {
    const { fake } = rig();
    expect(fake.menu?.labels.some((l) => /quit|exit|close/i.test(l))).toBe(false);
  });

  it('rebuilds the menu only when something shown changes', () => {
    const { tray, fake } = rig();
    const menu = fake.menu;
    tray.update({ connected: false, locked: false });
    expect(fake.menu).toBe(menu);
  });
});
