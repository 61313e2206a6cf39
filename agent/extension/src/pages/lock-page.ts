// The lock page: where tabs that no content script can reach (the new-tab page, chrome://
// pages) are sent while the browser is locked. It shows the same overlay as every other tab;
// the service worker sends the tab back when the lock lifts.
import { STORAGE, type LockState, type RuntimeRequest } from '../common/keys.ts';
import { hideLock, showLock } from '../content/ui/index.ts';

function request(message: RuntimeRequest): void {
  void chrome.runtime.sendMessage(message).catch(() => undefined);
}

function apply(lock: LockState | null | undefined): void {
  if (lock === null || lock === undefined) {
    hideLock();
    return;
  }
  showLock(lock, {
    onExpire: () => request({ t: 'lock-expired', ...(lock.lockId === undefined ? {} : { lockId: lock.lockId }) }),
    onContinue: () => request({ t: 'idle-continue' }),
  });
}

void chrome.storage.local.get(STORAGE.lock).then((state) => apply(state[STORAGE.lock] as LockState | null | undefined));
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && STORAGE.lock in changes) apply(changes[STORAGE.lock]?.newValue as LockState | null | undefined);
});
