// The session helper: the X-facing half of the agent in system mode (`vigil-agent --system`).
// The root service starts it as the signed-in user on that session's display, with a socket
// pair on fd 3 — its only way to the service. It runs the real node adapters (window, keyboard
// hook, screen capture, idle, locker, notifier) and streams their events and answers over that
// channel (platform/session/session.wire.ts). It holds no identity, no outbox, no policy:
// nothing here is worth stealing, and a pupil who kills it is noticed by the service.
import { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { ActiveWindow } from '../core/ports.ts';
import { createNodePlatform } from '../platform/node/index.ts';
import type { HelperMessage } from '../platform/session/session.protocol.ts';
import { decodeServiceMessage, encodeLine, LineSplitter, SESSION_PROTOCOL_VERSION, type SessionRequest } from '../platform/session/session.wire.ts';
import { parseHelperOptions, type HelperOptions } from './session-helper-options.ts';

function fail(message: string): never {
  process.stderr.write(`vigil-session-helper: ${message}\n`);
  process.exit(2);
}

let options: HelperOptions = { logLevel: 'info' };
try {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { options: { type: 'string' } }, strict: true });
  options = parseHelperOptions(JSON.parse(values.options ?? '{}'));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

let channel: Socket;
try {
  channel = new Socket({ fd: 3, readable: true, writable: true });
} catch {
  fail('must be started by the Vigil system service (no channel on fd 3)');
}

const log = pino({ level: options.logLevel, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
const helperLog = log.child({ module: 'session-helper' });
const platform = createNodePlatform({
  log,
  locker:
    options.lockCommand === undefined
      ? { pidFile: options.lockerPidFile, overlay: true }
      : { mode: 'command', command: options.lockCommand, pidFile: options.lockerPidFile },
});

const send = (msg: HelperMessage) => {
  if (!channel.destroyed) channel.write(encodeLine(msg));
};

/** Cut to the protocol's bounds: an over-long page title must not get the helper dropped. */
function bounded(win: ActiveWindow | undefined): ActiveWindow | null {
  if (win === undefined) return null;
  const out: ActiveWindow = { app: win.app.slice(0, 512), title: win.title.slice(0, 4_096) };
  if (win.url !== undefined) out.url = win.url.slice(0, 8_192);
  if (win.pid !== undefined) out.pid = win.pid;
  return out;
}

async function answer(req: SessionRequest): Promise<unknown> {
  switch (req.op) {
    case 'ping':
      return null;
    case 'current-window':
      return bounded(await platform.windows.current());
    case 'capture': {
      const shot = await platform.capture.capture({ maxWidth: req.maxWidth, quality: req.quality });
      return { base64: Buffer.from(shot.bytes).toString('base64'), width: shot.width, height: shot.height, mime: shot.mime };
    }
    case 'idle-seconds':
      return platform.idle.idleSeconds();
    case 'lock':
      await platform.locker.lock(req.request);
      return null;
    case 'unlock':
      await platform.locker.unlock();
      return null;
    case 'is-locked':
      return platform.locker.isLocked();
    case 'notify':
      return (
        (await platform.notifier.notify(req.title, req.body, {
          ...(req.countdownTo === undefined ? {} : { countdownTo: req.countdownTo }),
          ...(req.notice === true ? { notice: true } : {}),
        })) ?? null
      );
  }
}

const splitter = new LineSplitter();
channel.on('data', (chunk: Buffer) => {
  const { lines } = splitter.push(chunk);
  for (const line of lines) {
    const msg = decodeServiceMessage(line);
    if (!msg.ok) {
      helperLog.warn({ code: msg.code }, 'unreadable request from the service');
      continue;
    }
    const { id, req } = msg.value;
    answer(req).then(
      (value) => send({ t: 'reply', id, ok: true, value }),
      (err: unknown) => send({ t: 'reply', id, ok: false, error: (err instanceof Error ? err.message : String(err)).slice(0, 1_000) }),
    );
  }
});

let stopping = false;
let stopWatching = () => {};
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  stopWatching();
  await platform.keys.stop().catch(() => undefined);
  process.exit(code);
}
// The service went away (stopped, crashed, killed): nobody to serve; end with it.
channel.on('close', () => void shutdown(0));
channel.on('error', () => void shutdown(0));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(0));

send({ t: 'hello', v: SESSION_PROTOCOL_VERSION, pid: process.pid });
stopWatching = platform.windows.watch((win) => send({ t: 'window', win: bounded(win) }));
// Keys go from the hook child through this process into the channel, and nowhere else.
await platform.keys.start(
  (key) => send({ t: 'key', k: key }),
  (status, detail) => send({ t: 'key-status', status, detail: detail?.slice(0, 1_000) }),
);
helperLog.info({ display: process.env.DISPLAY }, 'session helper running');
