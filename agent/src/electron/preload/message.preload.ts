// Runs sandboxed before the message page; exposes the message and an OK button's action.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type MessagePageApi, type MessageView } from '../ipc-channels.ts';

let latest: MessageView | undefined;
const callbacks: ((message: MessageView) => void)[] = [];
ipcRenderer.on(IPC.message, (_event, message: MessageView) => {
  latest = message;
  for (const callback of callbacks) callback(message);
});

const api: MessagePageApi = {
  onMessage(callback) {
    callbacks.push(callback);
    if (latest !== undefined) callback(latest);
  },
  dismiss() {
    ipcRenderer.send(IPC.messageDismiss);
  },
};
contextBridge.exposeInMainWorld('vigil', api);
