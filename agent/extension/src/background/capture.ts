// Screenshots of the visible tab (chrome.tabs.captureVisibleTab), downscaled in the worker
// with OffscreenCanvas and hashed with WebCrypto: the agent core's ScreenCapture port, so
// the desktop agent's LiveService drives live thumbnails unchanged.
export interface CapturedImage {
  bytes: Uint8Array;
  width: number;
  height: number;
  mime: 'image/jpeg';
  sha256: string;
}

/** Chrome allows two captureVisibleTab calls a second; evidence and live frames share them. */
const MIN_GAP_MS = 520;
let lastCaptureAt = 0;
let chain: Promise<unknown> = Promise.resolve();

function hex(buffer: ArrayBuffer): string {
  let out = '';
  for (const byte of new Uint8Array(buffer)) out += byte.toString(16).padStart(2, '0');
  return out;
}

async function captureOnce(windowId: number | undefined, maxWidth: number, quality: number): Promise<CapturedImage> {
  const wait = lastCaptureAt + MIN_GAP_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  lastCaptureAt = Date.now();
  const options: chrome.extensionTypes.ImageDetails = { format: 'jpeg', quality: Math.round(quality) };
  const dataUrl = windowId === undefined ? await chrome.tabs.captureVisibleTab(options) : await chrome.tabs.captureVisibleTab(windowId, options);
  const blob = await (await fetch(dataUrl)).blob();
  const bitmap = await createImageBitmap(blob);
  try {
    const scale = Math.min(1, maxWidth / bitmap.width);
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    let out = blob;
    if (scale < 1) {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d');
      if (ctx === null) throw new Error('no 2d context for downscaling');
      ctx.drawImage(bitmap, 0, 0, width, height);
      out = await canvas.convertToBlob({ type: 'image/jpeg', quality: quality / 100 });
    }
    const bytes = new Uint8Array(await out.arrayBuffer());
    return { bytes, width, height, mime: 'image/jpeg', sha256: hex(await crypto.subtle.digest('SHA-256', bytes)) };
  } finally {
    bitmap.close();
  }
}

/** A capture that has not finished by then is given up: an alert never waits longer for its screenshot. */
const CAPTURE_TIMEOUT_MS = 4_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tab capture took longer than ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** The visible tab of `windowId` (default: the focused window), at most `maxWidth` px wide. */
export function captureVisibleTab(windowId: number | undefined, opts: { maxWidth: number; quality?: number }): Promise<CapturedImage> {
  const run = chain.then(() => withTimeout(captureOnce(windowId, opts.maxWidth, opts.quality ?? 70), CAPTURE_TIMEOUT_MS));
  chain = run.catch(() => undefined);
  return run;
}
