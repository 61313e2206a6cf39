// The lock page: where tabs that no content script can reach (the new-tab page, chrome://
// pages) are sent while the browser is locked. It shows the same overlay as every other tab;
// the service worker sends the tab back when the lock lifts.
import { STORAGE, type LockState } from '../common/keys.ts';
import { renderLock } from '../content/lock-view.ts';

void chrome.storage.local.get(STORAGE.lock).then((state) => renderLock(state[STORAGE.lock] as LockState | null | undefined));
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && STORAGE.lock in changes) renderLock(changes[STORAGE.lock]?.newValue as LockState | null | undefined);
});
