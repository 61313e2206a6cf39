import type { GrabbedFrame } from './image-encode.ts';

/** One way of grabbing the primary screen. Both follow process.env.DISPLAY on Linux. */
export interface CaptureBackend {
  readonly name: CaptureBackendName;
  grab(): Promise<GrabbedFrame>;
}

export type CaptureBackendName = 'node-screenshots' | 'screenshot-desktop';

/**
 * node-screenshots (xcap): native, reads the framebuffer in-process and hands over raw RGBA, so nothing is
 * encoded twice. Loaded lazily so a missing prebuilt binary only disables this backend.
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
