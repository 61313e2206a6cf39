import type { CapturedImage } from '../../core/ports.ts';
import { capturedJpeg, type GrabbedFrame } from './image-encode.ts';
import { imageWorker } from './image-worker.ts';

/** One way of grabbing the primary screen. Both follow process.env.DISPLAY on Linux. */
export interface CaptureBackend {
  readonly name: CaptureBackendName;
  /** The frame, in this process. */
  grab(): Promise<GrabbedFrame>;
  /** Grabbed and encoded away from this process, when the backend can (the agent then never holds the frame). */
  capture?(opts: { maxWidth: number; quality: number }): Promise<CapturedImage>;
}

export type CaptureBackendName = 'node-screenshots' | 'screenshot-desktop';

/**
 * node-screenshots (xcap): native, reads the framebuffer and hands over raw RGBA, so nothing is encoded twice.
 * The agent captures through the image worker's child (grab and encode there: the agent never holds a
 * full-screen frame nor libvips); `grab()` in this process is for the capture bench. Loaded lazily so a missing
 * prebuilt binary only disables this backend.
 */
export function nodeScreenshotsBackend(): CaptureBackend {
  return {
    name: 'node-screenshots',
    async grab() {
      const { Monitor } = await import('node-screenshots');
      const monitors = Monitor.all();
      const monitor = monitors.find((m) => m.isPrimary()) ?? monitors[0];
      if (monitor === undefined) throw new Error('node-screenshots: no monitor');
      const image = await monitor.captureImage();
      const data = await image.toRaw();
      return { kind: 'raw', data, width: image.width, height: image.height, channels: 4 };
    },
    async capture({ maxWidth, quality }) {
      const env: { DISPLAY?: string; XAUTHORITY?: string; WAYLAND_DISPLAY?: string } = {};
      for (const name of ['DISPLAY', 'XAUTHORITY', 'WAYLAND_DISPLAY'] as const) {
        const value = process.env[name];
        if (value !== undefined) env[name] = value;
      }
      return capturedJpeg(await imageWorker().run({ op: 'screen-jpeg', maxWidth, quality, env }));
    },
  };
}

/**
 * screenshot-desktop: on Linux runs `xrandr` then ImageMagick's `import`; on Windows / macOS its bundled tools.
 * TIFF keeps `import` from compressing a frame we decode straight away.
 */
export function screenshotDesktopBackend(format: 'tiff' | 'png' | 'jpg' = process.platform === 'linux' ? 'tiff' : 'png'): CaptureBackend {
  return {
    name: 'screenshot-desktop',
    async grab() {
      const { default: screenshot } = await import('screenshot-desktop');
      return { kind: 'encoded', data: await screenshot({ format }) };
    },
  };
}

export function captureBackend(name: CaptureBackendName): CaptureBackend {
  return name === 'node-screenshots' ? nodeScreenshotsBackend() : screenshotDesktopBackend();
}
