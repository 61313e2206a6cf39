import type { Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import { FoldedKeyStream, scanFolded, type FoldedHit } from '@vigil/shared/matcher';
import { alertRecords } from './alert-records.ts';
import type { Outbox } from './outbox/index.ts';
import type { PolicyState } from './policy-state.ts';
import type { ActiveWindow, CapturedImage, Clock, ForeignLock, Key, KeySource, KeySourceStatus, ScreenCapture, WindowSource } from './ports.ts';
import type { WordlistState } from './wordlist-state.ts';

/** Whether the screen is locked, and when that changes (LockService). */
export interface LockView {
  readonly locked: boolean;
  onChange(listener: (locked: boolean) => void): () => void;
}

export type KeyboardState = 'ok' | 'paused' | 'unavailable';

export interface DetectorOptions {
  keys: KeySource;
  windows: WindowSource;
  capture: ScreenCapture;
  clock: Clock;
  /** `stats`/`countDropped`: degraded-disk handling and drop accounting (absent in some tests). */
  outbox: Pick<Outbox, 'enqueue'> & Partial<Pick<Outbox, 'stats' | 'countDropped' | 'enqueueWith'>>;
  policy: PolicyState;
  wordlist: WordlistState;
  lock: LockView;
  /** A function when it can change while the agent runs (system mode follows the signed-in user). */
  osUser: string | (() => string);
  log: Logger;
  evidenceWidth?: number;
  evidenceQuality?: number;
  /** Typing that stops this long ends the line, flushing a hit held for its word boundary. */
  typingPauseMs?: number;
}

const COOLDOWN_PRUNE_AT = 1_000;
/**
 * Evidence larger than this is re-encoded smaller: the collector's WebSocket accepts
 * messages up to 1 MiB, and a frame it refuses would be re-sent (and refused) forever.
 */
export const EVIDENCE_MAX_BYTES = 768 * 1024;

/**
 * Typed text, window titles and URLs through the matcher; each phrase becomes one alert (every
 * overlapping term folded into it, see FoldedKeyStream) with a screenshot in the outbox. Typed
 * text exists only inside the KeyStream's in-memory ring: keys are never stored, logged or
 * sent, and the stream is reset whenever matching pauses (screen locked, sign-in window) so
 * nothing typed there can reach a later alert's context.
 */
export class DetectorService {
  readonly #o: Required<Pick<DetectorOptions, 'evidenceWidth' | 'evidenceQuality' | 'typingPauseMs'>> & DetectorOptions;
  readonly #nextId = monotonicFactory();
  readonly #cooldown = new Map<string, number>();
  readonly #unsubscribe: (() => void)[] = [];
  #stream: FoldedKeyStream | undefined;
  #window: ActiveWindow | undefined;
  #paused = false;
  /** A lock screen the agent did not start, as the key source sees it (a keyboard grab, the screen saver). */
  #foreignLock: ForeignLock | undefined;
  #keyStatus: KeySourceStatus | 'stopped' = 'stopped';
  #lastKeyAt = 0;
  #lineOpen = false;
  #pauseTimer: { cancel(): void } | undefined;
  #reports: Promise<void> = Promise.resolve();
  #running = false;
  /** `keyboardHookRestarts`: the hook was running and died (the key source restarts it); a tamper signal. */
  /** `alertsLost`: alerts that could not be queued at all (also counted in the outbox's `droppedAlerts`); `screenshotsDropped`: alerts sent without their screenshot because it could not be kept. */
  readonly stats = { alerts: 0, suppressed: 0, captureFailures: 0, keyboardHookRestarts: 0, alertsLost: 0, screenshotsDropped: 0 };

  constructor(opts: DetectorOptions) {
    this.#o = { evidenceWidth: 1280, evidenceQuality: 70, typingPauseMs: 5_000, ...opts };
  }

  get paused(): boolean {
    return this.#paused;
  }

  keyboardState(): KeyboardState {
    if (this.#keyStatus !== 'ok') return 'unavailable';
    return this.#paused || this.#stream === undefined ? 'paused' : 'ok';
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const { wordlist, policy, lock, windows } = this.#o;
    this.#useMatcher();
    this.#unsubscribe.push(
      wordlist.onChange(() => this.#useMatcher()),
      policy.onChange(() => this.#updatePause()),
      lock.onChange(() => this.#updatePause()),
      windows.watch((win) => this.#onWindow(win)),
    );
    const foreignLock = this.#o.keys.watchForeignLock?.((lock) => {
      this.#foreignLock = lock;
      this.#updatePause();
    });
    if (foreignLock !== undefined) this.#unsubscribe.push(foreignLock);
    this.#updatePause();
    await this.#o.keys.start(
      (key) => this.#onKey(key),
      (status, detail) => {
        if (status === 'unavailable' && this.#keyStatus === 'ok') this.stats.keyboardHookRestarts++;
        this.#keyStatus = status;
        if (status === 'unavailable')
          this.#o.log.warn({ detail, keyboardHookRestarts: this.stats.keyboardHookRestarts }, 'keyboard unavailable: typed text is not checked');
        else this.#o.log.info('keyboard hook running');
      },
    );
  }

  /** Stops the key source and waits for alerts already found to reach the outbox. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#pauseTimer?.cancel();
    this.#pauseTimer = undefined;
    await this.#o.keys.stop();
    this.#keyStatus = 'stopped';
    if (!this.#paused && this.#stream !== undefined) this.#reportAll(this.#stream.endLine(), this.#window);
    await this.drain();
  }

  /** Resolves when every hit found so far is in the outbox. */
  async drain(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.#reports;
      await seen;
    } while (seen !== this.#reports);
  }

  #useMatcher(): void {
    const compiled = this.#o.wordlist.current;
    // A new list starts a new stream: the old one's buffered text goes with it, after the
    // phrases it already found (held for a longer overlapping term) are reported.
    if (this.#stream !== undefined && !this.#paused) this.#reportAll(this.#stream.reset(), this.#window);
    this.#stream = compiled === undefined ? undefined : new FoldedKeyStream(compiled.matcher);
    this.#lineOpen = false;
  }

  #onKey(key: Key): void {
    const stream = this.#stream;
    if (stream === undefined || this.#paused) return;
    this.#reportAll(stream.push(key), this.#window);
    this.#lastKeyAt = this.#o.clock.now();
    this.#lineOpen = true;
    this.#pauseTimer ??= this.#o.clock.setTimeout(() => this.#typingPaused(), this.#o.typingPauseMs);
  }

  // One timer re-armed per pause, not one per key.
  #typingPaused(): void {
    this.#pauseTimer = undefined;
    const idleFor = this.#o.clock.now() - this.#lastKeyAt;
    if (idleFor < this.#o.typingPauseMs) {
      this.#pauseTimer = this.#o.clock.setTimeout(() => this.#typingPaused(), this.#o.typingPauseMs - idleFor);
      return;
    }
    if (this.#lineOpen && !this.#paused && this.#stream !== undefined) this.#reportAll(this.#stream.endLine(), this.#window);
    this.#lineOpen = false;
  }

  #onWindow(win: ActiveWindow | undefined): void {
    const prev = this.#window;
    // What was typed belongs to the window it was typed in: finish that line there.
    if (this.#stream !== undefined && !this.#paused && this.#lineOpen) this.#reportAll(this.#stream.endLine(), prev);
    this.#lineOpen = false;
    this.#window = win;
    this.#updatePause();
    // Debug only: titles are sent to the collector anyway, but need not fill a production log.
    this.#o.log.debug({ app: win?.app, title: win?.title, paused: this.#paused }, 'focused window changed');
    const compiled = this.#o.wordlist.current;
    if (win === undefined || compiled === undefined || this.#o.lock.locked) return;
    if (win.title !== '' && (win.title !== prev?.title || win.app !== prev.app)) this.#reportAll(scanFolded(compiled.matcher, win.title, 'title'), win);
    if (win.url !== undefined && win.url !== '' && win.url !== prev?.url) this.#reportAll(scanFolded(compiled.matcher, win.url, 'url'), win);
  }

  #updatePause(): void {
    const signIn = this.#window !== undefined && this.#o.policy.isSignInTitle(this.#window.title);
    const paused = this.#o.lock.locked || signIn || this.#foreignLock !== undefined;
    if (paused === this.#paused) return;
    this.#paused = paused;
    if (paused) {
      // Forget the line: text typed into a password prompt must not leak into a later context.
      // Phrases completed before the pause are still reported.
      if (this.#stream !== undefined) this.#reportAll(this.#stream.reset(), this.#window);
      this.#lineOpen = false;
    }
    this.#o.log.debug(
      {
        paused,
        reason: paused ? (signIn ? 'sign-in window' : this.#o.lock.locked ? 'screen locked' : `lock screen: ${this.#foreignLock?.reason ?? ''}`) : undefined,
      },
      'key matching paused state',
    );
  }

  #reportAll(hits: readonly FoldedHit[], win: ActiveWindow | undefined): void {
    for (const hit of hits) this.#report(hit, win);
  }

  #report(hit: FoldedHit, win: ActiveWindow | undefined): void {
    const at = this.#o.clock.now();
    if (this.#coolingDown(hit, win, at)) {
      this.stats.suppressed++;
      return;
    }
    const id = this.#nextId(at);
    this.#reports = this.#reports
      .then(() => this.#deliver(id, hit, win, at))
      .catch((err: unknown) => {
        // Never lost silently: counted, so the heartbeat's droppedAlerts tells the collector.
        this.stats.alertsLost++;
        this.#o.outbox.countDropped?.('alert');
        this.#o.log.error({ err, alertId: id, alertsLost: this.stats.alertsLost }, 'could not queue an alert');
      });
  }

  #coolingDown(hit: FoldedHit, win: ActiveWindow | undefined, at: number): boolean {
    const cooldownMs = this.#o.policy.current.alertCooldownSeconds * 1_000;
    if (cooldownMs === 0) return false;
    const key = `${hit.term}\u0000${hit.category}\u0000${win?.app ?? ''}\u0000${win?.title ?? ''}`;
    const last = this.#cooldown.get(key);
    if (last !== undefined && at - last < cooldownMs) return true;
    if (this.#cooldown.size >= COOLDOWN_PRUNE_AT) {
      for (const [k, t] of this.#cooldown) if (at - t >= cooldownMs) this.#cooldown.delete(k);
    }
    this.#cooldown.set(key, at);
    return false;
  }

  async #deliver(id: string, hit: FoldedHit, win: ActiveWindow | undefined, at: number): Promise<void> {
    const policy = this.#o.policy.current;
    let image: CapturedImage | undefined;
    // A degraded outbox holds records in memory: screenshots would crowd alerts out of it.
    const degraded = this.#o.outbox.stats?.().degraded !== undefined;
    if (degraded && policy.captureScreenshots) this.stats.screenshotsDropped++;
    if (!degraded && policy.captureScreenshots && !hit.categories.some((c) => policy.noCaptureCategories.includes(c))) {
      try {
        image = await this.#o.capture.capture({ maxWidth: this.#o.evidenceWidth, quality: this.#o.evidenceQuality });
        if (image.bytes.byteLength > EVIDENCE_MAX_BYTES)
          image = await this.#o.capture.capture({ maxWidth: Math.min(1024, this.#o.evidenceWidth), quality: 40 });
        if (image.bytes.byteLength > EVIDENCE_MAX_BYTES) {
          this.#o.log.warn({ alertId: id, bytes: image.bytes.byteLength }, 'screenshot too large even re-encoded; the alert goes without it');
          image = undefined;
        }
      } catch (err) {
        this.stats.captureFailures++;
        this.#o.log.warn({ err, alertId: id }, 'screen capture failed; the alert goes without a screenshot');
      }
    }
    const now = () => this.#o.clock.now();
    const facts = { id, hit, window: win, at, osUser: typeof this.#o.osUser === 'string' ? this.#o.osUser : this.#o.osUser(), now };
    const records = alertRecords({ ...facts, image });
    const [alert, screenshot] = records;
    if (alert !== undefined && screenshot !== undefined && this.#o.outbox.enqueueWith !== undefined) {
      // The screenshot is kept first (on disk or held in memory) and the alert names it only
      // then: when it cannot be kept, the alert goes without the reference, never dangling.
      const result = await this.#o.outbox.enqueueWith(screenshot, alert, alertRecords(facts)[0] ?? alert);
      if (result.dependency === 'dropped') {
        this.stats.screenshotsDropped++;
        image = undefined;
        this.#o.log.warn({ alertId: id }, 'no room for the screenshot; the alert went without it');
      }
      if (result.record === 'dropped') this.stats.alertsLost++;
    } else for (const record of records) if ((await this.#o.outbox.enqueue(record)) === 'dropped') this.stats.alertsLost++;
    this.stats.alerts++;
    // The term and context are deliberately not logged: they go to the collector only.
    this.#o.log.info({ alertId: id, category: hit.category, severity: hit.severity, source: hit.source, screenshot: image !== undefined }, 'alert queued');
  }
}
