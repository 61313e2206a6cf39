// Typed text from every page and frame through the shared KeyStream, and tab titles and
// URLs through scanText. Keys arrive from content scripts over runtime ports; they live
// only in the KeyStream's in-memory ring. A line ends when the field, frame or tab changes,
// or typing pauses; matching pauses (and the line is forgotten) on sign-in pages and while
// the browser or the screen is locked.
import { monotonicFactory } from 'ulid';
import { FoldedKeyStream, scanFolded, type FoldedHit } from '@vigil/shared/matcher';
import type { ActiveTab } from './active-tab.ts';
import { alertRecords, type HitPlace, type QueuedRecord } from './alert-records.ts';
import type { CapturedImage } from './capture.ts';
import type { ExtensionLogger } from './log.ts';
import type { PolicyHolder } from './policy-holder.ts';

export interface KeyOrigin {
  tabId: number;
  windowId: number;
  frameId: number;
  field: number;
  title: string;
  url: string;
  frameUrl: string;
}

export interface DetectorDeps {
  policy: PolicyHolder;
  enqueue(record: QueuedRecord): Promise<unknown>;
  capture(windowId: number | undefined): Promise<CapturedImage>;
  app(): string;
  user(): string;
  locked(): boolean;
  log: ExtensionLogger;
  typingPauseMs?: number;
}

const EVIDENCE_MAX_BYTES = 768 * 1024;

export class BrowserDetector {
  readonly #d: DetectorDeps;
  readonly #nextId = monotonicFactory();
  readonly #cooldown = new Map<string, number>();
  #stream: FoldedKeyStream | undefined;
  #line: { key: string; origin: KeyOrigin } | undefined;
  #pauseTimer: ReturnType<typeof setTimeout> | undefined;
  #lastKeyAt = 0;
  /** Sign-in verdicts per (title, URL, frame URL): the patterns run once per page, not once per key. */
  readonly #signIn = new Map<string, boolean>();
  #reports: Promise<void> = Promise.resolve();
  readonly stats = { keys: 0, keyNs: 0, alerts: 0, suppressed: 0, paused: 0, captureFailures: 0 };

  constructor(deps: DetectorDeps) {
    this.#d = deps;
    deps.policy.onWordlist(() => this.#useMatcher());
    deps.policy.onPolicy(() => this.#signIn.clear());
    this.#useMatcher();
  }

  /** One key from a page. */
  key(key: string, origin: KeyOrigin): void {
    const t0 = performance.now();
    this.stats.keys++;
    const stream = this.#stream;
    if (stream !== undefined) {
      if (this.#d.locked() || this.#isSignIn(origin)) {
        this.stats.paused++;
        // Phrases completed before the pause were typed before it: they are reported.
        if (this.#line !== undefined) this.#reportAll(stream.reset(), this.#line.origin);
        this.#line = undefined;
      } else {
        const lineKey = `${origin.tabId}:${origin.frameId}:${origin.field}`;
        if (this.#line !== undefined && this.#line.key !== lineKey) this.#reportAll(stream.endLine(), this.#line.origin);
        this.#line = { key: lineKey, origin };
        this.#reportAll(stream.push(key), origin);
        this.#lastKeyAt = Date.now();
        // One timer per pause, re-armed when it fires early, not one per key.
        this.#pauseTimer ??= setTimeout(() => this.#typingPaused(), this.#pauseMs);
      }
    }
    this.stats.keyNs += (performance.now() - t0) * 1e6;
  }

  get #pauseMs(): number {
    return this.#d.typingPauseMs ?? 5_000;
  }

  #typingPaused(): void {
    this.#pauseTimer = undefined;
    const idle = Date.now() - this.#lastKeyAt;
    if (idle < this.#pauseMs) this.#pauseTimer = setTimeout(() => this.#typingPaused(), this.#pauseMs - idle);
    else this.endLine();
  }

  #isSignIn(origin: KeyOrigin): boolean {
    const key = `${origin.title}\u0000${origin.url}\u0000${origin.frameUrl}`;
    let verdict = this.#signIn.get(key);
    if (verdict === undefined) {
      verdict = this.#d.policy.isSignIn(origin.title, origin.url) || this.#d.policy.isSignIn('', origin.frameUrl);
      if (this.#signIn.size >= 256) this.#signIn.clear();
      this.#signIn.set(key, verdict);
    }
    return verdict;
  }

  /** Ends the open line (typing paused, tab switched): hits held for a word boundary are reported. */
  endLine(): void {
    clearTimeout(this.#pauseTimer);
    this.#pauseTimer = undefined;
    const line = this.#line;
    this.#line = undefined;
    if (line !== undefined && this.#stream !== undefined) this.#reportAll(this.#stream.endLine(), line.origin);
  }

  /** Forgets the open line (locked, sign-in page); phrases completed before it are still reported. */
  forget(): void {
    clearTimeout(this.#pauseTimer);
    this.#pauseTimer = undefined;
    const line = this.#line;
    this.#line = undefined;
    const held = this.#stream?.reset() ?? [];
    if (line !== undefined) this.#reportAll(held, line.origin);
  }

  /** A tab's title or URL came to the front or changed. */
  scanTab(tab: ActiveTab, previous: ActiveTab | undefined): void {
    const matcher = this.#d.policy.matcher;
    if (matcher === undefined || this.#d.locked()) return;
    const origin: KeyOrigin = { tabId: tab.tabId, windowId: tab.windowId, frameId: 0, field: -1, title: tab.title, url: tab.url, frameUrl: tab.url };
    if (tab.title !== '' && (tab.title !== previous?.title || tab.tabId !== previous.tabId)) this.#reportAll(scanFolded(matcher, tab.title, 'title'), origin);
    if (tab.url !== '' && tab.url !== previous?.url) this.#reportAll(scanFolded(matcher, tab.url, 'url'), origin);
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
    const matcher = this.#d.policy.matcher;
    this.#stream = matcher === undefined ? undefined : new FoldedKeyStream(matcher);
    this.#line = undefined;
  }

  #reportAll(hits: readonly FoldedHit[], origin: KeyOrigin): void {
    for (const hit of hits) this.#report(hit, origin);
  }

  #report(hit: FoldedHit, origin: KeyOrigin): void {
    const at = Date.now();
    const place: HitPlace = { title: origin.title, url: origin.url, app: this.#d.app(), user: this.#d.user() };
    if (this.#coolingDown(hit, place, at)) {
      this.stats.suppressed++;
      return;
    }
    const id = this.#nextId(at);
    this.#reports = this.#reports
      .then(() => this.#deliver(id, hit, place, origin.windowId, at))
      .catch((err: unknown) => this.#d.log.error({ err, alertId: id }, 'could not queue an alert'));
  }

  #coolingDown(hit: FoldedHit, place: HitPlace, at: number): boolean {
    const cooldownMs = this.#d.policy.policy.alertCooldownSeconds * 1_000;
    if (cooldownMs === 0) return false;
    const key = `${hit.term}\u0000${hit.category}\u0000${place.title}`;
    const last = this.#cooldown.get(key);
    if (last !== undefined && at - last < cooldownMs) return true;
    if (this.#cooldown.size >= 1_000) for (const [k, t] of this.#cooldown) if (at - t >= cooldownMs) this.#cooldown.delete(k);
    this.#cooldown.set(key, at);
    return false;
  }

  async #deliver(id: string, hit: FoldedHit, place: HitPlace, windowId: number, at: number): Promise<void> {
    const policy = this.#d.policy.policy;
    let image: CapturedImage | undefined;
    if (policy.captureScreenshots && !hit.categories.some((category) => policy.noCaptureCategories.includes(category))) {
      try {
        image = await this.#d.capture(windowId);
        if (image.bytes.byteLength > EVIDENCE_MAX_BYTES) image = undefined;
      } catch (err) {
        this.stats.captureFailures++;
        this.#d.log.warn({ err, alertId: id }, 'tab capture failed; the alert goes without a screenshot');
      }
    }
    // The alert first, alone: it must not wait for the screenshot's bytes to be written.
    const records = alertRecords(id, hit, place, at, image);
    for (const record of records) await this.#d.enqueue(record);
    this.stats.alerts++;
    this.#d.log.info({ alertId: id, category: hit.category, severity: hit.severity, source: hit.source, screenshot: image !== undefined }, 'alert queued');
  }
}
