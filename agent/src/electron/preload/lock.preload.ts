// Runs sandboxed before the lock page; exposes only the lock state, read-only.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type LockPageApi, type LockScreenState } from '../ipc-channels.ts';

let latest: LockScreenState | undefined;
const callbacks: ((state: LockScreenState) => void)[] = [];
// Main may send before the page script has subscribed: keep the latest and replay it.
ipcRenderer.on(IPC.lockState, (_event, state: LockScreenState) => {
  latest = state;
  for (const callback of callbacks) callback(state);
});

const api: LockPageApi = {
  onLockState(callback) {
    callbacks.push(callback);
    if (latest !== undefined) callback(latest);
  },
};
contextBridge.exposeInMainWorld('vigil', api);
