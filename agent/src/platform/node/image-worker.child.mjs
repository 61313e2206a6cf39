// Image work (sharp / libvips) runs here, in a child process forked by image-worker.ts, and not in the agent:
// libvips keeps its memory once loaded, so an agent that had encoded one live thumbnail used to stay ~15 MiB
// above its idle size for the rest of the day. This process lives while images are being made (a live view,
// an alert's screenshot, a lock screen being drawn) and exits when image-worker.ts lets it go idle, so the
// agent's whole process tree returns to its idle size (bench/src/agent-idle.bench.ts).
//
// Plain JavaScript on purpose, like key-hook.child.mjs: a .ts file would make Node load its type-stripping
// compiler into a process that only grabs and encodes images. Requests and replies are `ImageRequest` / `ImageReply`
// (image-worker.ts) over the fork IPC channel with the 'advanced' serialization, so pixels travel as bytes.
import sharp from 'sharp';

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('image-worker.child.mjs must be started by image-worker.ts (needs an IPC channel)\n');
  process.exit(2);
}

// One small image at a time: libvips' operation cache and a thread per core only hold memory.
sharp.cache(false);
sharp.concurrency(1);

// The agent went away, or let this process go: exit at once.
process.on('disconnect', () => process.exit(0));

/** @param {Uint8Array} bytes */
const buf = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Downscales (never enlarges) to `maxWidth` and encodes a JPEG.
 * @param {import('sharp').Sharp} input
 * @param {{ maxWidth: number, quality: number }} opts
 */
async function encode(input, opts) {
  const { data, info } = await input
    .removeAlpha()
    .resize({ width: Math.max(1, Math.round(opts.maxWidth)), withoutEnlargement: true, kernel: 'lanczos3' })
    .jpeg({ quality: opts.quality, mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height };
}

/**
 * @param {import('./image-worker.ts').ImageRequest} req
 * @returns {Promise<unknown>}
 */
async function run(req) {
  switch (req.op) {
    case 'jpeg': {
      const { frame } = req;
      const input =
        frame.kind === 'raw' ? sharp(buf(frame.data), { raw: { width: frame.width, height: frame.height, channels: frame.channels } }) : sharp(buf(frame.data));
      return encode(input, req);
    }
    case 'screen-jpeg': {
      // The grab happens here too, so the agent never holds a full-screen frame (megabytes each tick of a
      // live view) — only the small JPEG comes back.
      for (const name of ['DISPLAY', 'XAUTHORITY', 'WAYLAND_DISPLAY']) {
        const value = req.env[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      const { Monitor } = await import('node-screenshots');
      const monitors = Monitor.all();
      const monitor = monitors.find((m) => m.isPrimary()) ?? monitors[0];
      if (monitor === undefined) throw new Error('node-screenshots: no monitor');
      const image = await monitor.captureImage();
      const raw = await image.toRaw();
      return encode(sharp(raw, { raw: { width: image.width, height: image.height, channels: 4 } }), req);
    }
    case 'svg-rgba': {
      const { data, info } = await sharp(Buffer.from(req.svg))
        .resize(req.width, req.height, { fit: 'fill' })
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 4) throw new Error(`rendered image has ${info.channels} channels, expected 4`);
      return data;
    }
    case 'composite': {
      return sharp(buf(req.base), { raw: { width: req.width, height: req.height, channels: 4 } })
        .composite([{ input: Buffer.from(req.svg) }])
        .raw()
        .toBuffer();
    }
    case 'svg-png':
      return sharp(Buffer.from(req.svg)).png().toBuffer();
    default:
      throw new Error(`unknown image request ${JSON.stringify(/** @type {{ op?: unknown }} */ (req).op)}`);
  }
}

process.on('message', (/** @type {{ id: number, req: import('./image-worker.ts').ImageRequest }} */ msg) => {
  run(msg.req).then(
    (result) => send({ id: msg.id, ok: true, result }),
    (/** @type {unknown} */ err) => send({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
send({ id: 0, ok: true, result: 'ready' });
