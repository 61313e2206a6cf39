import type { Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import { makeEnvelope, sanitizeText, type ActivityPayload } from '@vigil/shared/protocol';
import type { Outbox } from './outbox/index.ts';
import { messageRecord, type QueuedMessage } from './outbox-records.ts';
import type { ActiveWindow, Clock, IdleSource, WindowSource } from './ports.ts';

export interface ActivityOptions {
  windows: WindowSource;
  idle: IdleSource;
  clock: Clock;
  outbox: Pick<Outbox, 'enqueue'>;
  /** A function when it can change while the agent runs (system mode follows the signed-in user). */
  osUser: string | (() => string);
  log: Logger;
  /** A span still open after this long is sent and a new one begins (default 5 min). */
  maxSpanMs?: number;
  /** Seconds without input that count as idle (default 60). */
  idleAfterSeconds?: number;
  /** How often idle time is read (default 5 s). */
  idlePollMs?: number;
}

interface OpenSpan {
  win: ActiveWindow;
  start: number;
}

function sameWindow(a: ActiveWindow | undefined, b: ActiveWindow | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.app === b.app && a.title === b.title && (a.url ?? '') === (b.url ?? '');
}

/**
 * Which window was in front, as spans: repeated reports of the same window merge into one
 * span ("heartbeat merge"); a span is sent when focus moves, when it reaches `maxSpanMs`,
 * and when the person goes idle (it ends at their last input). Idle start and end are
 * sent as `idle-state`.
 */
export class ActivityService {
  readonly #o: Required<Pick<ActivityOptions, 'maxSpanMs' | 'idleAfterSeconds' | 'idlePollMs'>> & ActivityOptions;
  readonly #nextId = monotonicFactory();
  #window: ActiveWindow | undefined;
  #span: OpenSpan | undefined;
  #spanTimer: { cancel(): void } | undefined;
  #pollTimer: { cancel(): void } | undefined;
  #stopWatch: (() => void) | undefined;
  #idle = false;
  #idleSeconds = 0;
  #idleFailed = false;
  #writes: Promise<void> = Promise.resolve();
  #running = false;

  constructor(opts: ActivityOptions) {
    this.#o = { maxSpanMs: 300_000, idleAfterSeconds: 60, idlePollMs: 5_000, ...opts };
  }

  /** Seconds since the last input, as of the last poll. */
  get idleSeconds(): number {
    return this.#idleSeconds;
  }

  get idle(): boolean {
    return this.#idle;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopWatch = this.#o.windows.watch((win) => this.#onWindow(win));
    this.#schedulePoll(0);
  }

  /** Sends the open span (ending now) and waits until everything is in the outbox. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#stopWatch?.();
    this.#pollTimer?.cancel();
    this.#closeSpan(this.#o.clock.now());
    await this.#writes;
  }

  #onWindow(win: ActiveWindow | undefined): void {
    if (sameWindow(win, this.#window)) return;
    this.#window = win;
    if (this.#idle) return;
    const now = this.#o.clock.now();
    this.#closeSpan(now);
    this.#openSpan(now);
  }

  #openSpan(at: number): void {
    if (this.#window === undefined) return;
    this.#span = { win: this.#window, start: at };
    this.#spanTimer = this.#o.clock.setTimeout(() => this.#cut(), this.#o.maxSpanMs);
  }

  #closeSpan(end: number): void {
    const span = this.#span;
    this.#spanTimer?.cancel();
    this.#spanTimer = undefined;
    this.#span = undefined;
    // A span cut exactly where it began (a stop right after a cut) says nothing.
    if (span === undefined || end <= span.start) return;
    const payload: ActivityPayload = {
      id: this.#nextId(span.start),
      app: sanitizeText(span.win.app, 256),
      title: sanitizeText(span.win.title, 1024),
      osUser: sanitizeText(typeof this.#o.osUser === 'string' ? this.#o.osUser : this.#o.osUser(), 256),
      start: span.start,
      end,
    };
    if (span.win.url !== undefined && span.win.url !== '') payload.url = sanitizeText(span.win.url, 2048);
    this.#queue(makeEnvelope('activity', payload, { id: payload.id, now: () => this.#o.clock.now() }));
  }

  #cut(): void {
    this.#spanTimer = undefined;
    const now = this.#o.clock.now();
    this.#closeSpan(now);
    this.#openSpan(now);
  }

  #schedulePoll(ms: number): void {
    if (!this.#running) return;
    this.#pollTimer = this.#o.clock.setTimeout(() => void this.#poll(), ms);
  }

  async #poll(): Promise<void> {
    try {
      const seconds = await this.#o.idle.idleSeconds();
      this.#idleFailed = false;
      if (this.#running) this.#onIdleSeconds(seconds);
    } catch (err) {
      if (!this.#idleFailed) this.#o.log.warn({ err }, 'idle time unavailable; idle is not reported');
      this.#idleFailed = true;
    }
    this.#schedulePoll(this.#o.idlePollMs);
  }

  #onIdleSeconds(seconds: number): void {
    const now = this.#o.clock.now();
    const lastInput = Math.min(now, Math.round(now - seconds * 1_000));
    const wasIdleFor = this.#idleSeconds;
    this.#idleSeconds = seconds;
    const idle = seconds >= this.#o.idleAfterSeconds;
    if (idle === this.#idle) return;
    this.#idle = idle;
    if (idle) {
      this.#closeSpan(lastInput);
      this.#queueIdle(true, lastInput, seconds);
    } else {
      this.#queueIdle(false, lastInput, wasIdleFor);
      this.#openSpan(lastInput);
    }
  }

  #queueIdle(idle: boolean, at: number, seconds: number): void {
    const id = this.#nextId(at);
    this.#queue(makeEnvelope('idle-state', { id, idle, at, idleSeconds: Math.max(0, Math.floor(seconds)) }, { id, now: () => this.#o.clock.now() }));
  }

  #queue(message: QueuedMessage): void {
    const record = messageRecord(message);
    this.#writes = this.#writes
      .then(() => this.#o.outbox.enqueue(record))
      .then(
        () => undefined,
        (err: unknown) => this.#o.log.error({ err, type: message.type }, 'could not queue a message'),
      );
  }
}
