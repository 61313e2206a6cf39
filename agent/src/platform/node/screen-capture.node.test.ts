import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, X11_TEST_TOOLS as T } from '../../testing/system-tools.ts';
import { startXvfb, type Xvfb } from '../../testing/xvfb.harness.ts';
import type { CaptureBackend } from './capture-backends.ts';
import { isBlank } from './image-encode.ts';
import { NodeScreenCapture } from './screen-capture.node.ts';

describe('NodeScreenCapture under Xvfb', { timeout: 30_000 }, () => {
  let x: Xvfb;
  const savedDisplay = process.env.DISPLAY;

  beforeAll(async () => {
    await ensureTools([T.imagemagick, T.xrandr]);
    x = await startXvfb({ width: 1280, height: 800 });
    // Both backends read the display from process.env, as the agent does.
    process.env.DISPLAY = x.display;
    await x.openXterm('Capture me');
  }, 60_000);

  afterAll(async () => {
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
    await x?.stop();
  });

  for (const backend of ['node-screenshots', 'screenshot-desktop'] as const) {
    it(`${backend}: a non-blank JPEG at thumbnail and evidence width, with its sha256`, async () => {
      const capture = new NodeScreenCapture({ backends: [backend] });
      for (const maxWidth of [320, 1280]) {
        const image = await capture.capture({ maxWidth, quality: 70 });
        expect(image.mime).toBe('image/jpeg');
        expect([image.width, image.height]).toEqual([maxWidth, (maxWidth * 800) / 1280]);
        const meta = await sharp(image.bytes).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', image.width, image.height]);
        expect(image.sha256).toBe(createHash('sha256').update(image.bytes).digest('hex'));
        expect(await isBlank(image)).toBe(false);
      }
    });
  }

  it('the agent process itself never loads libvips nor holds a frame: grab and encode happen in the image worker', async () => {
    // A fresh process (this test runner has sharp loaded for its own checks) captures three times and reports
    // what its own address space maps.
    const script = [
      `const { NodeScreenCapture } = await import(${JSON.stringify(new URL('./screen-capture.node.ts', import.meta.url).href)});`,
      'const capture = new NodeScreenCapture();',
      'const sizes = [];',
      'for (let i = 0; i < 3; i++) sizes.push((await capture.capture({ maxWidth: 320, quality: 60 })).width);',
      "const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');",
      'console.log(JSON.stringify({ sizes, vips: /libvips/.test(maps), screenshots: /node-screenshots/.test(maps) }));',
      'process.exit(0);',
    ].join('\n');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { env: { ...process.env, DISPLAY: x.display }, timeout: 20_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(JSON.parse(out.trim().split('\n').at(-1) ?? '{}')).toEqual({ sizes: [320, 320, 320], vips: false, screenshots: false });
  });

  it('never enlarges beyond the screen', async () => {
    const image = await new NodeScreenCapture().capture({ maxWidth: 4000 });
    expect(image.width).toBe(1280);
  });

  it('falls back to the next backend when the first fails, and keeps using it', async () => {
    let calls = 0;
    const broken: CaptureBackend = {
      name: 'node-screenshots',
      grab: async () => {
        calls += 1;
        throw new Error('no framebuffer');
      },
    };
    const capture = new NodeScreenCapture({ backends: [broken, 'screenshot-desktop'] });
    const image = await capture.capture({ maxWidth: 320 });
    expect(image.width).toBe(320);
    expect(capture.backend).toBe('screenshot-desktop');
    await capture.capture({ maxWidth: 320 });
    expect(calls).toBe(1);
  });

  it('fails with every backend named when none works', async () => {
    const broken = (name: CaptureBackend['name']): CaptureBackend => ({ name, grab: () => Promise.reject(new Error(`${name} down`)) });
    const capture = new NodeScreenCapture({ backends: [broken('node-screenshots'), broken('screenshot-desktop')] });
    await expect(capture.capture({ maxWidth: 320 })).rejects.toThrow(/node-screenshots down.*screenshot-desktop down/);
  });
});

describe('isBlank', () => {
  it('tells a flat screen from one with content', async () => {
    const flat = await sharp({ create: { width: 64, height: 40, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    const content = await sharp({ create: { width: 64, height: 40, channels: 3, background: '#000' } })
      .composite([{ input: { create: { width: 20, height: 20, channels: 3, background: '#fff' } }, left: 10, top: 10 }])
      .jpeg()
      .toBuffer();
    expect(await isBlank(flat)).toBe(true);
    expect(await isBlank(content)).toBe(false);
  });
});
