// Which tab was in front, as activity spans merged like the desktop agent's: one span per
// tab/title/URL, sent when focus moves, after `maxSpanMs`, and when the person goes idle.
// The open span is kept in chrome.storage.session so a worker restart continues it.
import { monotonicFactory } from 'ulid';
import { makeEnvelope, sanitizeText } from '@vigil/shared/protocol';
import type { ActiveTab } from './active-tab.ts';
import { messageRecord, type QueuedRecord } from './alert-records.ts';
import type { ExtensionLogger } from './log.ts';

interface OpenSpan {
  title: string;
  url: string;
  start: number;
  last: number;
}

const SPAN_KEY = 'vigil.span';
const MAX_SPAN_MS = 300_000;

export class ActivityTracker {
  readonly #nextId = monotonicFactory();
  readonly #enqueue: (record: QueuedRecord) => Promise<unknown>;
  readonly #app: () => string;
  readonly #user: () => string;
  readonly #log: ExtensionLogger;
  #span: OpenSpan | undefined;
  #idle = false;
  #writes: Promise<void> = Promise.resolve();

  constructor(opts: { enqueue: (record: QueuedRecord) => Promise<unknown>; app: () => string; user: () => string; log: ExtensionLogger }) {
    this.#enqueue = opts.enqueue;
    this.#app = opts.app;
    this.#user = opts.user;
    this.#log = opts.log;
  }

  async restore(): Promise<void> {
    const stored = (await chrome.storage.session.get(SPAN_KEY))[SPAN_KEY] as OpenSpan | undefined;
    if (stored !== undefined && stored !== null && typeof stored.start === 'number') this.#span = stored;
  }

  /** The tab in front changed (undefined: the browser is not in front). */
  tab(tab: ActiveTab | undefined, now = Date.now()): void {
    const span = this.#span;
    if (span !== undefined && tab !== undefined && span.title === tab.title && span.url === tab.url && now - span.start < MAX_SPAN_MS) {
      span.last = now;
      return;
    }
    this.#close(now);
    if (tab !== undefined && !this.#idle && (tab.title !== '' || tab.url !== '')) this.#span = { title: tab.title, url: tab.url, start: now, last: now };
    this.#persist();
  }

  /** chrome.idle's verdict: idle closes the span at the last input; active starts again. */
  idle(state: 'active' | 'idle' | 'locked', idleSeconds: number, current: ActiveTab | undefined, now = Date.now()): void {
    const idle = state !== 'active';
    if (idle === this.#idle) return;
    this.#idle = idle;
    if (idle) this.#close(now - idleSeconds * 1_000);
    this.#queue(messageRecord(makeEnvelope('idle-state', { id: this.#nextId(now), idle, at: now, idleSeconds: idle ? idleSeconds : 0 })));
    if (!idle) this.tab(current, now);
    else this.#persist();
  }

  /** A span that reached its maximum length is sent, and a new one begins (alarm tick). */
  tick(current: ActiveTab | undefined, now = Date.now()): void {
    if (this.#span !== undefined && now - this.#span.start >= MAX_SPAN_MS) {
      this.#close(now);
      this.tab(current, now);
    }
  }

  flush(): Promise<void> {
    return this.#writes;
  }

  #close(end: number): void {
    const span = this.#span;
    this.#span = undefined;
    if (span === undefined) return;
    const stop = Math.max(span.start, Math.min(end, Date.now()));
    const payload = {
      id: this.#nextId(span.start),
      app: sanitizeText(this.#app(), 256),
      title: sanitizeText(span.title, 1024),
      osUser: sanitizeText(this.#user(), 256),
      start: span.start,
      end: stop,
      ...(span.url === '' ? {} : { url: sanitizeText(span.url, 2048) }),
    };
    this.#queue(messageRecord(makeEnvelope('activity', payload)));
  }

  #queue(record: QueuedRecord): void {
    this.#writes = this.#writes
      .then(() => this.#enqueue(record))
      .then(
        () => undefined,
        (err: unknown) => this.#log.error({ err }, 'could not queue activity'),
      );
  }

  #persist(): void {
    void chrome.storage.session.set({ [SPAN_KEY]: this.#span ?? null }).catch(() => undefined);
  }
}
