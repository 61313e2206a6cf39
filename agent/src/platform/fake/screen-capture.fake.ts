import sharp from 'sharp';
import type { CapturedImage, ScreenCapture } from '../../core/ports.ts';
import { sha256Hex } from '../node/image-encode.ts';

export interface FakeScreenCaptureOptions {
  /** The pretend screen. Default 1280 x 800. */
  width?: number;
  height?: number;
}

/**
 * Real, non-blank JPEGs drawn from a pattern that depends on `scene`: the same scene gives the same bytes
 * (so "skip unchanged frames" can be tested), a new scene gives a different picture.
 */
export class FakeScreenCapture implements ScreenCapture {
  readonly #width: number;
  readonly #height: number;
  readonly calls: { maxWidth: number; quality?: number }[] = [];
  scene = 0;
  /** When set, capture() rejects with this error. */
  failWith: Error | undefined;

  constructor(opts: FakeScreenCaptureOptions = {}) {
    this.#width = opts.width ?? 1280;
    this.#height = opts.height ?? 800;
  }

  async capture(opts: { maxWidth: number; quality?: number }): Promise<CapturedImage> {
    this.calls.push({ ...opts });
    if (this.failWith !== undefined) throw this.failWith;
    const width = Math.max(1, Math.min(Math.round(opts.maxWidth), this.#width));
    const height = Math.max(1, Math.round((this.#height * width) / this.#width));
    const data = await sharp(pattern(width, height, this.scene), { raw: { width, height, channels: 3 } })
      .jpeg({ quality: opts.quality ?? 70 })
      .toBuffer();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { bytes, width, height, mime: 'image/jpeg', sha256: sha256Hex(bytes) };
  }
}

function pattern(width: number, height: number, scene: number): Buffer {
  const px = Buffer.alloc(width * height * 3);
  // A gradient with a bright square whose place depends on the scene.
  const size = Math.max(2, Math.floor(width / 8));
  const sx = (scene * 97) % Math.max(1, width - size);
  const sy = (scene * 61) % Math.max(1, height - size);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inSquare = x >= sx && x < sx + size && y >= sy && y < sy + size;
      px[i] = inSquare ? 255 : Math.floor((x * 255) / width);
      px[i + 1] = inSquare ? 220 : Math.floor((y * 255) / height);
      px[i + 2] = inSquare ? 40 : (scene * 53) % 256;
    }
  }
  return px;
}
