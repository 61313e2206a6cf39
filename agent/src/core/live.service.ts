import type { Logger } from 'pino';
import { encodeBinary, makeEnvelope, sanitizeText, type LivePayload, type ScreenshotRequestPayload } from '@vigil/shared/protocol';
import type { ActiveWindow, Clock, ScreenCapture } from './ports.ts';

export interface LiveServiceOptions {
  capture: ScreenCapture;
  clock: Clock;
  /** Sends one binary frame on the open connection; false when there is none. */
  send: (frame: Uint8Array) => boolean;
  log: Logger;
  /** JPEG quality of thumbnails (default 60). */
  quality?: number;
  /** The focused window, sent with each frame as the tile's caption. */
  currentWindow?: () => ActiveWindow | undefined;
}

/**
 * Live thumbnails for the teacher's view: captured only while the collector asks, at the
 * asked rate and width. A frame whose bytes hash the same as the last one sent goes out
 * as a tiny `unchanged` marker instead of the image.
 */
export class LiveService {
  readonly #o: LiveServiceOptions;
  #settings: { fps: number; width: number } | undefined;
  #timer: { cancel(): void } | undefined;
  #lastSha: string | undefined;
  #seq = 0;
  /** Bumped on every start and stop, so a capture still in flight cannot revive a stopped loop. */
  #generation = 0;
  #inFlight: Promise<void> = Promise.resolve();
  readonly stats = { framesSent: 0, unchangedSent: 0, failures: 0 };

  constructor(opts: LiveServiceOptions) {
    this.#o = opts;
  }

  get streaming(): boolean {
    return this.#settings !== undefined;
  }

  /** Resolves once the frame being captured, if any, has been sent. */
  settled(): Promise<void> {
    return this.#inFlight;
  }

  /** A `live` message: start, retune or stop streaming. */
  handle(live: LivePayload): void {
    if (!live.on) {
      this.stop();
      return;
    }
    const wasStreaming = this.streaming;
    const widthChanged = this.#settings?.width !== live.width;
    this.#settings = { fps: live.fps, width: live.width };
    if (widthChanged) this.#lastSha = undefined;
    this.#o.log.info({ fps: live.fps, width: live.width }, wasStreaming ? 'live view retuned' : 'live view started');
    if (!wasStreaming) this.#schedule(0, ++this.#generation);
  }

  /** Stops streaming (also when the connection drops: the next connection starts clean). */
  stop(): void {
    if (this.#settings !== undefined) this.#o.log.info('live view stopped');
    this.#settings = undefined;
    this.#generation++;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#lastSha = undefined;
  }

  /** A `screenshot-request`: one capture at the asked width, sent at once. */
  async screenshot(req: ScreenshotRequestPayload): Promise<void> {
    try {
      const image = await this.#o.capture.capture({ maxWidth: req.width, quality: 75 });
      const envelope = makeEnvelope(
        'screenshot',
        { sha256: image.sha256, width: image.width, height: image.height, mime: image.mime },
        { now: () => this.#o.clock.now() },
      );
      if (!this.#o.send(encodeBinary(envelope, image.bytes))) this.#o.log.warn({ requestId: req.requestId }, 'requested screenshot not sent: not connected');
    } catch (err) {
      this.#o.log.warn({ err, requestId: req.requestId }, 'requested screenshot failed');
    }
  }

  #schedule(ms: number, generation: number): void {
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#inFlight = this.#tick(generation);
    }, ms);
  }

  async #tick(generation: number): Promise<void> {
    const settings = this.#settings;
    if (settings === undefined || generation !== this.#generation) return;
    const started = this.#o.clock.now();
    try {
      const image = await this.#o.capture.capture({ maxWidth: settings.width, quality: this.#o.quality ?? 60 });
      if (generation !== this.#generation) return;
      const unchanged = image.sha256 === this.#lastSha;
      const envelope = makeEnvelope(
        'frame',
        {
          seq: this.#seq++,
          width: image.width,
          height: image.height,
          mime: image.mime,
          ...(unchanged ? { unchanged: true } : {}),
          ...caption(this.#o.currentWindow?.()),
        },
        { now: () => this.#o.clock.now() },
      );
      const sent = this.#o.send(encodeBinary(envelope, unchanged ? new Uint8Array(0) : image.bytes));
      if (sent && unchanged) this.stats.unchangedSent++;
      if (sent && !unchanged) {
        this.stats.framesSent++;
        this.#lastSha = image.sha256;
      }
    } catch (err) {
      this.stats.failures++;
      this.#o.log.warn({ err }, 'live frame capture failed');
    } finally {
      const current = this.#settings;
      if (current !== undefined && generation === this.#generation) {
        const interval = 1_000 / current.fps;
        this.#schedule(Math.max(0, interval - (this.#o.clock.now() - started)), generation);
      }
    }
  }
}

/** The window caption for a frame, clipped to the protocol's limits. */
function caption(win: ActiveWindow | undefined): { app?: string; title?: string } {
  if (win === undefined) return {};
  return { app: sanitizeText(win.app, 256), title: sanitizeText(win.title, 1024) };
}
