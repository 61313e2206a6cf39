/** Widest blurred image served: enough to see "a screen", never enough to read it. */
const BLURRED_MAX_WIDTH = 320;
/** The detail is thrown away here: every pixel of the served image comes from this few. */
const BLURRED_SOURCE_WIDTH = 24;
const BLUR_SIGMA = 12;
/**
 * Larger than any real screen (8K is 33 M pixels): the bytes come from a PC, and a small
 * file claiming huge dimensions must not make the collector allocate gigabytes.
 */
const MAX_INPUT_PIXELS = 40_000_000;

export interface BlurredImage {
  readonly bytes: Buffer;
  readonly mime: 'image/jpeg';
  readonly width: number;
  readonly height: number;
}

/**
 * A restricted capture as a browser that may not see it gets it: shrunk to 24 pixels
 * across (text and faces cannot survive that, and no deblurring can bring back what
 * was never sent), scaled back up to at most 320 px and Gaussian-blurred so it reads
 * as a soft colour field of the same aspect ratio. Throws when the bytes are not an
 * image sharp can decode; the caller must then serve nothing.
 */
export async function blurScreenshot(original: Uint8Array): Promise<BlurredImage> {
  // Loaded on the first blurred capture served, not at start-up (libvips).
  const { default: sharp } = await import('sharp');
  const input = () => sharp(original, { limitInputPixels: MAX_INPUT_PIXELS });
  const metadata = await input().metadata();
  const sourceWidth = metadata.width;
  const sourceHeight = metadata.height;
  if (sourceWidth <= 0 || sourceHeight <= 0) throw new Error('image has no size');
  const scaled = (width: number) => ({ width, height: Math.max(1, Math.round((sourceHeight * width) / sourceWidth)) });
  const tiny = scaled(Math.min(BLURRED_SOURCE_WIDTH, sourceWidth));
  const out = scaled(Math.min(BLURRED_MAX_WIDTH, sourceWidth));
  const pixels = await input()
    .removeAlpha()
    .resize({ ...tiny, fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const bytes = await sharp(pixels.data, { raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels } })
    .resize({ ...out, fit: 'fill', kernel: 'cubic' })
    .blur(BLUR_SIGMA)
    .jpeg({ quality: 70 })
    .toBuffer();
  return { bytes, mime: 'image/jpeg', width: out.width, height: out.height };
}
