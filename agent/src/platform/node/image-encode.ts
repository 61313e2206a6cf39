import { createHash } from 'node:crypto';
import type sharpDefault from 'sharp';
import type { CapturedImage } from '../../core/ports.ts';
import { imageWorker } from './image-worker.ts';

type Sharp = typeof sharpDefault;
let sharpModule: Promise<Sharp> | undefined;

/**
 * sharp (libvips) in this process: for tests and tools only (isBlank). The agent makes its images in
 * the image worker's child (image-worker.ts) and never loads it.
 */
export function loadSharp(): Promise<Sharp> {
  sharpModule ??= import('sharp').then((m) => {
    // One small image at a time: libvips' operation cache and a thread per core only hold
    // memory that is not given back after a live session (whole-tree RSS, agent-idle bench).
    m.default.cache(false);
    m.default.concurrency(1);
    return m.default;
  });
  return sharpModule;
}

/** A screen grab before encoding: raw RGBA pixels, or a file format sharp can read (PNG, JPEG, TIFF). */
export type GrabbedFrame = { kind: 'raw'; data: Buffer; width: number; height: number; channels: 3 | 4 } | { kind: 'encoded'; data: Buffer };

export interface EncodeOptions {
  maxWidth: number;
  /** JPEG quality 1-100. Default 70: text stays legible at evidence size, thumbnails stay ~5-10 KB. */
  quality?: number;
}

/**
 * Downscales (never enlarges) to `maxWidth`, encodes a JPEG and hashes it. The encoding happens in the
 * image worker's child process (image-worker.ts), so the agent never holds libvips.
 */
export async function encodeJpeg(frame: GrabbedFrame, opts: EncodeOptions): Promise<CapturedImage> {
  return capturedJpeg(await imageWorker().run({ op: 'jpeg', frame, maxWidth: opts.maxWidth, quality: opts.quality ?? 70 }));
}

/** A JPEG the image worker made, as a capture: its bytes, size and sha256. */
export function capturedJpeg({ bytes, width, height }: { bytes: Uint8Array; width: number; height: number }): CapturedImage {
  return { bytes, width, height, mime: 'image/jpeg', sha256: sha256Hex(bytes) };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** True when every channel is (nearly) flat: a black, white or single-colour screen. */
export async function isBlank(image: Uint8Array | CapturedImage, maxStdev = 1): Promise<boolean> {
  const bytes = image instanceof Uint8Array ? image : image.bytes;
  const sharp = await loadSharp();
  const stats = await sharp(bytes).stats();
  return stats.channels.every((c) => c.stdev <= maxStdev);
}
