import { pino, type Logger } from 'pino';
import type { CapturedImage, ScreenCapture } from '../../core/ports.ts';
import { captureBackend, type CaptureBackend, type CaptureBackendName } from './capture-backends.ts';
import { encodeJpeg } from './image-encode.ts';

export interface NodeScreenCaptureOptions {
  /**
   * Backends in order of preference. Default: node-screenshots first — measured (bench/src/capture.bench.ts)
   * at a fraction of screenshot-desktop's cost, which forks xrandr and ImageMagick for every frame.
   */
  backends?: readonly (CaptureBackendName | CaptureBackend)[];
  log?: Logger;
}

export const DEFAULT_CAPTURE_BACKENDS: readonly CaptureBackendName[] = ['node-screenshots', 'screenshot-desktop'];

/**
 * Grabs the primary screen with the first backend that works and keeps using it; when it fails, the next
 * one is tried (and kept) for that frame and the ones after.
 */
export class NodeScreenCapture implements ScreenCapture {
  readonly #backends: readonly CaptureBackend[];
  readonly #log: Logger;
  #preferred = 0;

  constructor(opts: NodeScreenCaptureOptions = {}) {
    this.#backends = (opts.backends ?? DEFAULT_CAPTURE_BACKENDS).map((b) => (typeof b === 'string' ? captureBackend(b) : b));
    if (this.#backends.length === 0) throw new Error('NodeScreenCapture needs at least one backend');
    this.#log = opts.log ?? pino({ level: 'silent' });
  }

  /** The backend the next capture starts with. */
  get backend(): CaptureBackendName {
    const backend = this.#backends[this.#preferred] ?? this.#backends[0];
    return backend?.name ?? 'node-screenshots';
  }

  async capture(opts: { maxWidth: number; quality?: number }): Promise<CapturedImage> {
    const errors: string[] = [];
    for (let i = 0; i < this.#backends.length; i++) {
      const index = (this.#preferred + i) % this.#backends.length;
      const backend = this.#backends[index];
      if (backend === undefined) continue;
      try {
        const image =
          backend.capture !== undefined
            ? await backend.capture({ maxWidth: opts.maxWidth, quality: opts.quality ?? 70 })
            : await encodeJpeg(await backend.grab(), opts);
        if (index !== this.#preferred) {
          this.#log.warn({ from: this.backend, to: backend.name }, 'screen capture backend switched');
          this.#preferred = index;
        }
        return image;
      } catch (err) {
        errors.push(`${backend.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    throw new Error(`screen capture failed (${errors.join('; ')})`);
  }
}
