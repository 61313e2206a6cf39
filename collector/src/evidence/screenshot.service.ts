import type { Db } from '../db/database.ts';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { BlobStore } from './blob-store.ts';
import { insertScreenshot } from './screenshots.repository.ts';

export type ScreenshotMime = 'image/jpeg' | 'image/png' | 'image/webp';

export interface ScreenshotUpload {
  /** The uploader, from its authenticated connection. */
  readonly deviceId: string;
  readonly sha256: string;
  readonly mime: ScreenshotMime;
  readonly width: number;
  readonly height: number;
  readonly bytes: Uint8Array;
}

/**
 * Evidence intake for both paths (agent socket binary frame, HTTP PUT): verify the
 * bytes against their sha256, store the blob, then record it. The blob goes first so
 * a `screenshots` row never points at nothing; a crash between the two leaves an
 * orphan blob that a re-upload adopts. Throws AppError `sha256-mismatch` (422).
 */
export class ScreenshotService {
  readonly #blobs: BlobStore;
  readonly #db: Db;
  readonly #log: Logger;

  constructor(options: { blobs: BlobStore; db: Db; log: Logger }) {
    this.#blobs = options.blobs;
    this.#db = options.db;
    this.#log = options.log;
  }

  async store(upload: ScreenshotUpload): Promise<{ created: boolean }> {
    const blob = await this.#blobs.put(upload.sha256, upload.bytes);
    const created = await insertScreenshot(this.#db, {
      sha256: upload.sha256,
      bytes: upload.bytes.byteLength,
      width: upload.width,
      height: upload.height,
      mime: upload.mime,
      deviceId: upload.deviceId,
    });
    if (created)
      this.#log.debug({ deviceId: upload.deviceId, sha256: upload.sha256, bytes: upload.bytes.byteLength, newBlob: blob.created }, 'screenshot stored');
    return { created };
  }
}
