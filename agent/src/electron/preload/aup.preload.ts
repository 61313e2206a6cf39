// Runs sandboxed before the acceptable-use page; exposes the notice and "I understand".
import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type AupPageApi, type AupView } from '../ipc-channels.ts';

let latest: AupView | undefined;
const callbacks: ((aup: AupView) => void)[] = [];
ipcRenderer.on(IPC.aup, (_event, aup: AupView) => {
  latest = aup;
  for (const callback of callbacks) callback(aup);
});

const api: AupPageApi = {
  onAup(callback) {
    callbacks.push(callback);
    if (latest !== undefined) callback(latest);
  },
  async acknowledge() {
    await ipcRenderer.invoke(IPC.aupAcknowledge);
  },
};
contextBridge.exposeInMainWorld('vigil', api);
