// The lock as stored by the service worker, on this page: shown, updated or lifted. Used by
// the content script (every web page) and by the extension's own lock page.
import type { LockState, RuntimeRequest } from '../common/keys.ts';
import { hideLock, showLock } from './ui/index.ts';

export function requestWorker(message: RuntimeRequest): void {
  // A content script left behind by an updated or removed extension has no runtime.
  if (chrome.runtime?.id === undefined) return;
  void chrome.runtime.sendMessage(message).catch(() => undefined);
}

export function renderLock(lock: LockState | null | undefined): void {
  if (lock === null || lock === undefined) {
    hideLock();
    return;
  }
  showLock(lock, {
    onExpire: () => requestWorker({ t: 'lock-expired', ...(lock.lockId === undefined ? {} : { lockId: lock.lockId }) }),
    onContinue: () => requestWorker({ t: 'idle-continue' }),
  });
}
