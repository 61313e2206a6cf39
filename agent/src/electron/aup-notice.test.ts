import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '@vigil/agent/platform/fake';
import { defaultPolicy } from '@vigil/shared/protocol';
import { AupAckStore } from '../core/aup-ack.store.ts';
import { AupNotice } from './aup-notice.ts';
import { IPC } from './ipc-channels.ts';
import { builtShellPaths } from './shell-paths.ts';
import { createFakeElectron } from './testing/fake-electron.ts';

const paths = builtShellPaths('/app/dist/electron');
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function rig(user = 'pupil01', stateDir?: string) {
  const dir = stateDir ?? (await mkdtemp(join(tmpdir(), 'vigil-aup-')));
  if (stateDir === undefined) dirs.push(dir);
  const electron = createFakeElectron();
  const store = new AupAckStore(dir);
  const aup = new AupNotice({ electron, paths, store, user, clock: new FakeClock() });
  return { dir, electron, store, aup, windows: () => electron.pageWindows('aup') };
}

const policy = (aupVersion: string, showAupOnLogin = true) => ({ aupText: `Policy text v${aupVersion}`, aupVersion, showAupOnLogin });

describe('AupNotice', () => {
  it('shows the notice at login until the user acknowledges it, then not again for that version', async () => {
    const first = await rig();
    await first.aup.onPolicy(policy('3'));
    const [win] = first.windows();
    expect(win?.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: paths.preload('aup') });
    expect(first.aup.view).toEqual({ text: 'Policy text v3', version: '3' });
    expect(await first.electron.ipcMain.invoke(IPC.aupAcknowledge, win?.webContents)).toBe(true);
    expect(win?.destroyed).toBe(true);
    expect(await first.store.acknowledged('pupil01', '3')).toBe(true);

    // Next login, same user: nothing. A new version of the policy: shown again.
    const next = await rig('pupil01', first.dir);
    await next.aup.onPolicy(policy('3'));
    expect(next.windows()).toEqual([]);
    await next.aup.onPolicy(policy('4'));
    expect(next.windows()).toHaveLength(1);
  });

  it('is per OS user: another user at the same computer sees it', async () => {
    const first = await rig('pupil01');
    await first.aup.onPolicy(policy('1'));
    await first.electron.ipcMain.invoke(IPC.aupAcknowledge, first.windows()[0]?.webContents);
    const other = await rig('pupil02', first.dir);
    await other.aup.onPolicy(policy('1'));
    expect(other.windows()).toHaveLength(1);
  });

  it("does not take an acknowledgement stored for another user name as this user's", async () => {
    const { store, aup, windows } = await rig('pupil01');
    await store.record('pupil01', '1', 5);
    await writeFile(store.fileFor('pupil01'), JSON.stringify({ user: 'someone-else', version: '1', at: 0 }));
    await aup.onPolicy(policy('1'));
    expect(windows()).toHaveLength(1);
  });

  it('treats a damaged acknowledgement file as not acknowledged', async () => {
    const { store, aup, windows } = await rig();
    await store.record('pupil01', '1', 5);
    await writeFile(store.fileFor('pupil01'), '{"user":');
    await aup.onPolicy(policy('1'));
    expect(windows()).toHaveLength(1);
  });

  it('is not shown at login when the policy says so, but still from the tray menu', async () => {
    const { aup, windows } = await rig();
    await aup.onPolicy(policy('1', false));
    expect(windows()).toEqual([]);
    aup.show(defaultPolicy);
    expect(windows()).toHaveLength(1);
  });

  it('shows one window when the policy arrives twice, updating its text for a new version', async () => {
    const { aup, windows } = await rig();
    await Promise.all([aup.onPolicy(policy('1')), aup.onPolicy(policy('1'))]);
    expect(windows()).toHaveLength(1);
    await aup.onPolicy(policy('2'));
    expect(windows()).toHaveLength(1);
    expect(windows()[0]?.webContents.last(IPC.aup)).toEqual({ text: 'Policy text v2', version: '2' });
  });

  it('ignores an acknowledgement from another page', async () => {
    const { aup, store, windows, electron } = await rig();
    await aup.onPolicy(policy('1'));
    expect(await electron.ipcMain.invoke(IPC.aupAcknowledge, { not: 'the aup page' })).toBe(false);
    expect(windows()).toHaveLength(1);
    expect(await store.acknowledged('pupil01', '1')).toBe(false);
  });
});
