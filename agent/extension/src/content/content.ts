// The content script, in every page and frame from document_start: streams keys from
// editable fields to the service worker (never storing them), and in the top frame shows
// what the pupil must see — the lock, the acceptable-use notice, the idle warning and
// teacher messages — from state the service worker keeps in chrome.storage.local.
import { KEY_PORT, STORAGE, type IdleWarningState, type KeyMessage, type LockState, type NoticeState } from '../common/keys.ts';
import { startKeyCapture } from './key-capture.ts';
import { renderLock, requestWorker } from './lock-view.ts';
import { hideIdleWarning, hideNotice, isLockShown, isNoticeShown, preparePageBlocker, showIdleWarning, showMessage, showNotice } from './ui/index.ts';

const loaded = (globalThis as { __vigilContent?: boolean }).__vigilContent === true;
(globalThis as { __vigilContent?: boolean }).__vigilContent = true;

let port: chrome.runtime.Port | undefined;
let batch: KeyMessage[] = [];

function alive(): boolean {
  // A content script left behind by an updated or removed extension has no runtime.
  return chrome.runtime?.id !== undefined;
}

function post(keys: KeyMessage[]): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      if (port === undefined) {
        const opened = chrome.runtime.connect({ name: KEY_PORT });
        opened.onDisconnect.addListener(() => {
          if (port === opened) port = undefined;
        });
        port = opened;
      }
      port.postMessage({ keys });
      return;
    } catch {
      port = undefined;
      if (!alive()) return;
    }
  }
}

function flush(): void {
  const keys = batch;
  batch = [];
  if (keys.length > 0 && alive()) post(keys);
}

function applyNotice(notice: NoticeState | null | undefined): void {
  if (notice === null || notice === undefined) {
    hideNotice();
    return;
  }
  showNotice({ title: 'This computer is monitored', body: notice.text, buttonLabel: 'I understand' }, () =>
    requestWorker({ t: 'notice-accepted', version: notice.version }),
  );
}

let warningTimer: ReturnType<typeof setInterval> | undefined;
function applyIdleWarning(warning: IdleWarningState | null | undefined): void {
  clearInterval(warningTimer);
  if (warning === null || warning === undefined) {
    hideIdleWarning();
    return;
  }
  const tick = () => showIdleWarning(Math.max(0, Math.ceil((warning.lockAt - Date.now()) / 1_000)));
  tick();
  warningTimer = setInterval(tick, 1_000);
}

function startTopFrameUi(): void {
  void chrome.storage.local.get([STORAGE.lock, STORAGE.notice, STORAGE.idleWarning]).then((state) => {
    renderLock(state[STORAGE.lock] as LockState | null | undefined);
    applyNotice(state[STORAGE.notice] as NoticeState | null | undefined);
    applyIdleWarning(state[STORAGE.idleWarning] as IdleWarningState | null | undefined);
  });
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if (STORAGE.lock in changes) renderLock(changes[STORAGE.lock]?.newValue as LockState | null | undefined);
    if (STORAGE.notice in changes) applyNotice(changes[STORAGE.notice]?.newValue as NoticeState | null | undefined);
    if (STORAGE.idleWarning in changes) applyIdleWarning(changes[STORAGE.idleWarning]?.newValue as IdleWarningState | null | undefined);
  });
  chrome.runtime.onMessage.addListener((message: { t?: string; text?: string; from?: string }, _sender, respond) => {
    if (message.t !== 'show-message' || typeof message.text !== 'string') return false;
    showMessage({ text: message.text, from: typeof message.from === 'string' ? message.from : '' });
    respond(true);
    return false;
  });
}

if (!loaded && alive()) {
  const top = window.top === window;
  // The blocker's listeners go first, before any the page adds; key capture after it, so a
  // key the lock or the notice swallowed is never read.
  if (top) preparePageBlocker();
  startKeyCapture((key, field) => {
    if (top && (isLockShown() || isNoticeShown())) return;
    if (batch.length === 0) queueMicrotask(flush);
    batch.push({ k: key, f: field });
  });
  if (top) startTopFrameUi();
}
