import { createHash } from 'node:crypto';
import type { CapturedImage, ScreenCapture } from '../../core/ports.ts';
import type { DesktopCapturerLike, ScreenLike } from './electron-api.ts';

export interface ElectronScreenCaptureOptions {
  desktopCapturer: DesktopCapturerLike;
  screen: Pick<ScreenLike, 'getPrimaryDisplay'>;
}

/**
 * The primary display through `desktopCapturer`. The capturer itself scales the thumbnail to
 * the size asked for (no full-resolution frame is copied into JavaScript), Chromium encodes
 * the JPEG (`nativeImage.toJPEG`) and node:crypto hashes it, so no image library is loaded.
 * macOS: without the Screen Recording permission the thumbnail shows only the wallpaper and
 * menu bar; Apple gives no API to tell, so that is documented rather than detected.
 */
export class ElectronScreenCapture implements ScreenCapture {
  readonly #o: ElectronScreenCaptureOptions;

  constructor(opts: ElectronScreenCaptureOptions) {
    this.#o = opts;
  }

  async capture(opts: { maxWidth: number; quality?: number }): Promise<CapturedImage> {
    const primary = this.#o.screen.getPrimaryDisplay();
    const { width: dipWidth, height: dipHeight } = primary.bounds;
    const pixelWidth = Math.max(1, Math.round(dipWidth * primary.scaleFactor));
    // Never ask for more pixels than the screen has: the capturer would enlarge.
    const width = Math.max(1, Math.min(Math.round(opts.maxWidth), pixelWidth));
    const height = Math.max(1, Math.round((width * dipHeight) / Math.max(1, dipWidth)));
    const sources = await this.#o.desktopCapturer.getSources({ types: ['screen'], thumbnailSize: { width, height }, fetchWindowIcons: false });
    const source = sources.find((s) => s.display_id === String(primary.id)) ?? sources[0];
    if (source === undefined) throw new Error('desktopCapturer found no screen to capture');
    if (source.thumbnail.isEmpty()) throw new Error(`desktopCapturer returned an empty image for ${source.name || source.id}`);
    const quality = Math.min(100, Math.max(1, Math.round(opts.quality ?? 70)));
    const jpeg = source.thumbnail.toJPEG(quality);
    const size = source.thumbnail.getSize();
    const bytes = new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
    return { bytes, width: size.width, height: size.height, mime: 'image/jpeg', sha256: createHash('sha256').update(bytes).digest('hex') };
  }
}
