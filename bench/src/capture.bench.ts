// Screen capture + JPEG encode cost per frame for each ScreenCapture backend, at thumbnail (320 px) and evidence
// (1280 px) width, on a 1280x800 Xvfb showing a busy wallpaper and two terminals full of text.
// Run alone: node bench/src/capture.bench.ts   (VIGIL_BENCH_FRAMES=n to change the sample size)
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureBackend, encodeJpeg, type CaptureBackendName } from '@vigil/agent/platform/node';
import { ensureTools, startXvfb, X11_TEST_TOOLS as T } from '@vigil/agent/testing';
import { cpuSeconds, ms, percentile } from './proc-cpu.ts';

const BACKENDS: CaptureBackendName[] = ['node-screenshots', 'screenshot-desktop'];
const WIDTHS = [320, 1280];

export default async function run(): Promise<void> {
  const frames = Number(process.env.VIGIL_BENCH_FRAMES ?? 20);
  await ensureTools([T.imagemagick, T.xrandr, T.xterm]);
  const x = await startXvfb({ width: 1280, height: 800 });
  const savedDisplay = process.env.DISPLAY;
  process.env.DISPLAY = x.display; // both backends follow process.env, as in the agent
  const dir = await mkdtemp(join(tmpdir(), 'vigil-capture-bench-'));
  try {
    await paintBusyDesktop(x.env, dir);
    await x.openXterm('Homework notes');
    await x.xdotoolType('ls -la /usr/bin /usr/lib\n');
    console.log(`capture + encode on a 1280x800 Xvfb, ${frames} frames each (after 3 warm-up frames)`);
    console.log('backend             width  grab p50  total p50  total p95  cpu/frame  size');
    for (const name of BACKENDS) {
      const backend = captureBackend(name);
      for (let i = 0; i < 3; i++) await encodeJpeg(await backend.grab(), { maxWidth: 320 });
      for (const maxWidth of WIDTHS) {
        const grabMs: number[] = [];
        const totalMs: number[] = [];
        let bytes = 0;
        const cpu0 = cpuSeconds();
        for (let i = 0; i < frames; i++) {
          const t0 = performance.now();
          const frame = await backend.grab();
          const t1 = performance.now();
          const image = await encodeJpeg(frame, { maxWidth, quality: 70 });
          totalMs.push(performance.now() - t0);
          grabMs.push(t1 - t0);
          bytes += image.bytes.byteLength;
        }
        const cpuMs = ((cpuSeconds() - cpu0) * 1_000) / frames;
        grabMs.sort((a, b) => a - b);
        totalMs.sort((a, b) => a - b);
        console.log(
          [
            name.padEnd(18),
            String(maxWidth).padStart(6),
            `${ms(percentile(grabMs, 50))} ms`.padStart(9),
            `${ms(percentile(totalMs, 50))} ms`.padStart(10),
            `${ms(percentile(totalMs, 95))} ms`.padStart(10),
            `${ms(cpuMs)} ms`.padStart(10),
            `${(bytes / frames / 1024).toFixed(1)} KB`.padStart(9),
          ].join(' '),
        );
      }
    }
    console.log('cpu/frame = this process plus the helper processes it started and reaped (xrandr, import)');
  } finally {
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
    await x.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A photo-like wallpaper (gradient with grain), which JPEG finds harder than a flat colour. */
async function paintBusyDesktop(env: NodeJS.ProcessEnv, dir: string): Promise<void> {
  const width = 1280;
  const height = 800;
  const px = Buffer.alloc(width * height * 3);
  let seed = 42;
  const grain = () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return (seed % 48) - 24;
  };
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < width; xx++) {
      const i = (y * width + xx) * 3;
      px[i] = clamp((xx * 255) / width + grain());
      px[i + 1] = clamp((y * 255) / height + grain());
      px[i + 2] = clamp(160 + grain());
    }
  }
  const file = join(dir, 'wallpaper.ppm');
  await writeFile(file, Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), px]));
  // ImageMagick's display sets the root window's background and exits.
  await new Promise<void>((resolve) => spawn('display', ['-window', 'root', file], { env, stdio: 'ignore' }).on('close', () => resolve()));
}

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
