import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { waitFor } from '../../testing/wait-for.ts';
import { ImageWorker } from './image-worker.ts';

const workers: ImageWorker[] = [];
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) w.close();
  for (const c of cleanup.splice(0)) await c();
});

function worker(opts: ConstructorParameters<typeof ImageWorker>[0] = {}): ImageWorker {
  const w = new ImageWorker(opts);
  workers.push(w);
  return w;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A 400 × 200 RGBA gradient: real pixels, not a flat colour. */
function gradient(width = 400, height = 200): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = 128;
      data[i + 3] = 255;
    }
  }
  return data;
}

describe('the image worker (sharp in a child process that lives only while images are made)', { timeout: 30_000 }, () => {
  it('encodes a raw frame to a downscaled JPEG in a separate process, which exits when left idle', async () => {
    const w = worker({ idleMs: 300 });
    const out = await w.run({ op: 'jpeg', frame: { kind: 'raw', data: gradient(), width: 400, height: 200, channels: 4 }, maxWidth: 100, quality: 70 });
    expect([out.width, out.height]).toEqual([100, 50]);
    const meta = await sharp(Buffer.from(out.bytes)).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBe(100);
    const pid = w.pid;
    expect(pid).toBeDefined();
    expect(pid).not.toBe(process.pid);
    // Idle for idleMs: the child is let go, so libvips' memory goes with it.
    await waitFor(() => pid !== undefined && !alive(pid), { timeoutMs: 5_000, message: 'the idle image worker to exit' });
    // The next request starts a new one.
    const again = await w.run({
      op: 'svg-png',
      svg: '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="red"/></svg>',
    });
    expect((await sharp(Buffer.from(again)).metadata()).format).toBe('png');
    expect(w.started).toBe(2);
  });

  it('renders SVG to exact RGBA and draws over a region, like the lock screen does', async () => {
    const w = worker();
    const rgba = await w.run({
      op: 'svg-rgba',
      svg: '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4"><rect width="8" height="4" fill="#ff0000"/></svg>',
      width: 16,
      height: 8,
    });
    expect(rgba.length).toBe(16 * 8 * 4);
    expect([...rgba.subarray(0, 4)]).toEqual([255, 0, 0, 255]);
    const drawn = await w.run({
      op: 'composite',
      base: Buffer.alloc(4 * 2 * 4),
      width: 4,
      height: 2,
      svg: '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="4" height="2" fill="#00ff00"/></svg>',
    });
    expect(drawn.length).toBe(4 * 2 * 4);
    expect([...drawn.subarray(0, 4)]).toEqual([0, 255, 0, 255]);
  });

  it('a request sent just after the child was killed goes to a fresh child', async () => {
    const w = worker();
    await w.run({ op: 'svg-png', svg: '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>' });
    const first = w.pid;
    if (first === undefined) throw new Error('no child');
    process.kill(first, 'SIGKILL');
    const out = await w.run({ op: 'jpeg', frame: { kind: 'raw', data: gradient(), width: 400, height: 200, channels: 4 }, maxWidth: 320, quality: 70 });
    expect(out.width).toBe(320);
    expect(w.pid).not.toBe(first);
    expect(w.started).toBe(2);
  });

  it('fails a request with the reason when the child dies while working on it, after one more try on a fresh child', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-image-worker-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const script = join(dir, 'crashing.child.mjs');
    await writeFile(
      script,
      "process.on('message', () => { process.stderr.write('RangeError: out of pixels\\n'); process.exit(3); });\nprocess.send({ id: 0, ok: true, result: 'ready' });\n",
    );
    const w = worker({ script });
    await expect(w.run({ op: 'svg-png', svg: '<svg/>' })).rejects.toThrow(/image worker exited \(code 3\): RangeError: out of pixels/);
    // It was tried once more on a fresh child (the first might have died of something else), which died too.
    expect(w.started).toBe(2);
    await expect(w.run({ op: 'svg-png', svg: '<svg/>' })).rejects.toThrow(/exited \(code 3\)/);
    expect(w.started).toBe(4);
  });

  it('passes a bad image back as an error without losing the child', async () => {
    const w = worker();
    await expect(w.run({ op: 'jpeg', frame: { kind: 'encoded', data: Buffer.from('not an image') }, maxWidth: 100, quality: 70 })).rejects.toThrow(
      /unsupported image format|Input buffer/i,
    );
    const pid = w.pid;
    await w.run({ op: 'svg-png', svg: '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>' });
    expect(w.pid).toBe(pid);
  });

  it("keeps the child out of the agent's compile cache, and stop() waits until it has exited", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-image-worker-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const script = join(dir, 'env.child.mjs');
    await writeFile(
      script,
      "process.on('message', (m) => process.send({ id: m.id, ok: true, result: JSON.stringify({ cache: process.env.NODE_COMPILE_CACHE ?? null, off: process.env.NODE_DISABLE_COMPILE_CACHE ?? null }) }));\nprocess.on('disconnect', () => process.exit(0));\nprocess.send({ id: 0, ok: true, result: 'ready' });\n",
    );
    const saved = process.env.NODE_COMPILE_CACHE;
    process.env.NODE_COMPILE_CACHE = join(dir, 'compile-cache');
    try {
      const w = worker({ script });
      const seen = JSON.parse(String(await w.run({ op: 'svg-png', svg: '<svg/>' }))) as unknown;
      expect(seen).toEqual({ cache: null, off: '1' });
      const pid = w.pid ?? -1;
      await w.stop();
      expect(alive(pid)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.NODE_COMPILE_CACHE;
      else process.env.NODE_COMPILE_CACHE = saved;
    }
  });

  it('says what went wrong when the child cannot start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-image-worker-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const script = join(dir, 'broken.child.mjs');
    await writeFile(script, "throw new Error('sharp is not installed here');\n");
    const w = worker({ script });
    await expect(w.run({ op: 'svg-png', svg: '<svg/>' })).rejects.toThrow(/image worker exited \(code 1\).*sharp is not installed here/);
  });
});
