// Teacher locks, idle locks and what they do to every tab. The lock lives in
// chrome.storage.local, which every content script reads at document_start and watches, so
// tabs opened, reloaded or navigated while locked come up locked; pages no content script
// can reach (the new-tab page, chrome:// pages) are sent to the extension's own lock page.
import { monotonicFactory } from 'ulid';
import { makeEnvelope, sanitizeText, type LockPayload } from '@vigil/shared/protocol';
import { STORAGE, type LockState } from '../common/keys.ts';
import { messageRecord, type QueuedRecord } from './alert-records.ts';
import type { ExtensionLogger } from './log.ts';

export const UNLOCK_ALARM = 'vigil-unlock';
const LOCK_PAGE = 'lock.html';

/** Pages a content script cannot run in: locked, they are replaced by the lock page. */
export function needsLockPage(url: string | undefined): boolean {
  if (url === undefined || url === '') return false;
  return !/^(https?|file):/i.test(url) && !url.startsWith(chrome.runtime.getURL(LOCK_PAGE));
}

export class LockControl {
  readonly #nextId = monotonicFactory();
  readonly #enqueue: (record: QueuedRecord) => Promise<unknown>;
  readonly #log: ExtensionLogger;
  #lock: LockState | undefined;
  #expiry: ReturnType<typeof setTimeout> | undefined;
  readonly #listeners = new Set<(locked: boolean) => void>();

  constructor(opts: { enqueue: (record: QueuedRecord) => Promise<unknown>; log: ExtensionLogger }) {
    this.#enqueue = opts.enqueue;
    this.#log = opts.log;
  }

  get locked(): boolean {
    return this.#lock !== undefined;
  }

  get current(): LockState | undefined {
    return this.#lock;
  }

  onChange(listener: (locked: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The lock a previous worker or browser session left in storage (a timed one may have run out meanwhile). */
  async restore(): Promise<void> {
    const stored = (await chrome.storage.local.get(STORAGE.lock))[STORAGE.lock] as LockState | null | undefined;
    if (stored === undefined || stored === null) return;
    this.#lock = stored;
    if (stored.until !== undefined && stored.until <= Date.now()) {
      await this.#lift('the timed lock ran out while the browser was closed');
      return;
    }
    this.#armExpiry();
    this.#log.info({ kind: stored.kind }, 'lock restored from storage');
    this.#emit();
  }

  /** A `lock` message from the collector. */
  async teacher(payload: LockPayload): Promise<void> {
    if (!payload.on) {
      if (this.#lock?.kind !== 'teacher') return;
      await this.#lift('unlocked by a teacher');
      return;
    }
    if (this.#lock?.kind === 'teacher' && this.#lock.lockId === payload.lockId) return;
    const lock: LockState = { kind: 'teacher', lockId: payload.lockId };
    if (payload.message !== undefined && payload.message !== '') lock.message = payload.message;
    if (payload.by !== undefined && payload.by !== '') lock.by = payload.by;
    if (payload.until !== undefined) lock.until = payload.until;
    await this.#apply(lock);
    this.#log.info({ lockId: payload.lockId, until: payload.until }, 'browser locked by a teacher');
  }

  /** The idle lock from policy. */
  async idle(): Promise<void> {
    if (this.#lock !== undefined) return;
    await this.#apply({ kind: 'idle' });
    this.#log.info('browser locked after inactivity');
  }

  /** The pupil pressed Continue on the idle lock. */
  async continueFromIdle(): Promise<void> {
    if (this.#lock?.kind === 'idle') await this.#lift('the pupil came back after an idle lock');
  }

  /** The unlock alarm or a page's countdown says a timed lock is over. */
  async expire(): Promise<void> {
    if (this.#lock?.until !== undefined && this.#lock.until <= Date.now() + 1_000) await this.#lift('the timed lock ran out');
  }

  /** Sends a tab that no content script can lock to the lock page. */
  async guardTab(tab: chrome.tabs.Tab): Promise<void> {
    if (this.#lock === undefined || tab.id === undefined) return;
    const url = tab.pendingUrl ?? tab.url;
    if (!needsLockPage(url)) return;
    try {
      await chrome.tabs.update(tab.id, { url: `${chrome.runtime.getURL(LOCK_PAGE)}?return=${encodeURIComponent(url ?? '')}` });
    } catch (err) {
      this.#log.debug({ err }, 'could not send a tab to the lock page');
    }
  }

  async #apply(lock: LockState): Promise<void> {
    this.#lock = lock;
    await chrome.storage.local.set({ [STORAGE.lock]: lock });
    this.#armExpiry();
    await this.#state(true, lock);
    this.#emit();
    for (const tab of await chrome.tabs.query({})) await this.guardTab(tab);
  }

  async #lift(why: string): Promise<void> {
    const was = this.#lock;
    if (was === undefined) return;
    this.#lock = undefined;
    clearTimeout(this.#expiry);
    await chrome.alarms.clear(UNLOCK_ALARM);
    await chrome.storage.local.set({ [STORAGE.lock]: null });
    await this.#state(false, was);
    this.#emit();
    this.#log.info({ kind: was.kind }, why);
    // Tabs parked on the lock page go back where they were.
    for (const tab of await chrome.tabs.query({ url: `${chrome.runtime.getURL(LOCK_PAGE)}*` })) {
      const back = new URL(tab.url ?? chrome.runtime.getURL(LOCK_PAGE)).searchParams.get('return');
      if (tab.id !== undefined) await chrome.tabs.update(tab.id, { url: back !== null && back !== '' ? back : 'chrome://newtab/' }).catch(() => undefined);
    }
  }

  #armExpiry(): void {
    clearTimeout(this.#expiry);
    const until = this.#lock?.until;
    if (until === undefined) return;
    // A timer while the worker lives; the alarm wakes a stopped worker.
    this.#expiry = setTimeout(() => void this.expire(), Math.max(0, until - Date.now()));
    void chrome.alarms.create(UNLOCK_ALARM, { when: until });
  }

  async #state(locked: boolean, lock: LockState): Promise<void> {
    const at = Date.now();
    const payload = {
      id: this.#nextId(at),
      locked,
      reason: lock.kind,
      at,
      ...(lock.lockId === undefined ? {} : { lockId: lock.lockId }),
      ...(lock.message === undefined ? {} : { message: sanitizeText(lock.message, 500) }),
    };
    await this.#enqueue(messageRecord(makeEnvelope('lock-state', payload)));
  }

  #emit(): void {
    for (const listener of this.#listeners) listener(this.locked);
  }
}
