import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { run } from '../platform/node/exec.ts';
import { ensureTools, X11_TEST_TOOLS as T } from './system-tools.ts';
import { waitFor } from './wait-for.ts';

export interface XvfbOptions {
  width?: number;
  height?: number;
  /** Start with the RECORD extension (what the keyboard hook needs). Default true. */
  record?: boolean;
  /** Start openbox, which maintains _NET_ACTIVE_WINDOW. Default true. */
  windowManager?: boolean;
}

export interface XWindow {
  pid: number;
  /** X window id (decimal, as xdotool prints it). */
  id: string;
  activate(): Promise<void>;
  close(): Promise<void>;
}

export interface Xvfb {
  /** ":N" */
  display: string;
  /** process.env with DISPLAY pointing at this server. */
  env: NodeJS.ProcessEnv;
  pid: number;
  /** Opens `xterm -T title`, resolves once the window is mapped and focused. */
  openXterm(title: string): Promise<XWindow>;
  /** `xdotool type` into the focused window (xdotool's default 12 ms between keys). */
  xdotoolType(text: string): Promise<void>;
  /** Any other xdotool command: `xdotool('key', 'BackSpace')`. */
  xdotool(...args: string[]): Promise<string>;
  /** Stops the processes this harness started (windows, window manager, Xvfb), by PID. */
  stop(): Promise<void>;
}

/**
 * Starts a private Xvfb on a free display (Xvfb picks it and writes it to -displayfd, so parallel test
 * files never race for a number), waits until it answers, then starts openbox and waits until it manages
 * the screen.
 */
export async function startXvfb(opts: XvfbOptions = {}): Promise<Xvfb> {
  const withWm = opts.windowManager ?? true;
  await ensureTools([T.xvfb, T.xdpyinfo, T.xprop, T.xdotool, ...(withWm ? [T.openbox] : [])]);
  const started: ChildProcess[] = [];
  const screen = `${opts.width ?? 1280}x${opts.height ?? 800}x24`;
  // -noreset: without a window manager every short-lived client (xprop, xprintidle) would be the last one to
  // disconnect, and the server would reset, wiping state such as the idle timer.
  const xvfb = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', screen, opts.record === false ? '-extension' : '+extension', 'RECORD', '-nolisten', 'tcp', '-noreset'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  started.push(xvfb);
  const stopAll = () => stopProcesses(started);
  try {
    const display = `:${await readDisplayNumber(xvfb)}`;
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display };
    delete env.WAYLAND_DISPLAY;
    await waitFor(() => run('xdpyinfo', ['-display', display], { env, timeoutMs: 2_000 }).then(() => true), {
      timeoutMs: 10_000,
      message: `Xvfb ${display} to answer xdpyinfo`,
    });
    if (withWm) {
      const wm = spawn('openbox', ['--sm-disable'], { env, stdio: 'ignore' });
      started.push(wm);
      await waitFor(() => wmReady(env), { timeoutMs: 10_000, message: `openbox to manage ${display}` });
    }
    const xdotool = async (...args: string[]) => (await run('xdotool', args, { env })).stdout;
    return {
      display,
      env,
      pid: xvfb.pid ?? -1,
      xdotool,
      xdotoolType: async (text) => {
        await xdotool('type', '--delay', '12', '--', text);
      },
      openXterm: async (title) => {
        await ensureTools([T.xterm]);
        const term = spawn('xterm', ['-T', title], { env, stdio: 'ignore' });
        started.push(term);
        const id = await waitFor(
          async () => (await xdotool('search', '--onlyvisible', '--pid', String(term.pid), '--name', `^${escapeRegExp(title)}$`)).trim().split('\n')[0],
          { timeoutMs: 10_000, message: `xterm "${title}" to appear` },
        );
        const activate = async () => {
          await xdotool('windowactivate', '--sync', id);
        };
        await activate();
        return { pid: term.pid ?? -1, id, activate, close: () => stopProcesses([term]) };
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function readDisplayNumber(xvfb: ChildProcess): Promise<string> {
  const fd = xvfb.stdio[3];
  let stderr = '';
  xvfb.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2_000);
  });
  if (fd === null || fd === undefined) throw new Error('Xvfb: no -displayfd pipe');
  const exited = once(xvfb, 'exit').then(([code]) => {
    throw new Error(`Xvfb exited (${String(code)}) before choosing a display: ${stderr.trim()}`);
  });
  const chosen = new Promise<string>((resolve) => {
    let buf = '';
    fd.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(buf.trim());
    });
  });
  return Promise.race([chosen, exited]);
}

async function wmReady(env: NodeJS.ProcessEnv): Promise<boolean> {
  const { stdout } = await run('xprop', ['-root', '_NET_SUPPORTING_WM_CHECK'], { env, timeoutMs: 2_000 });
  return stdout.includes('window id #');
}

/** SIGTERM each still-running process (newest first), then SIGKILL whatever ignores it. */
export async function stopProcesses(procs: ChildProcess[]): Promise<void> {
  for (const proc of [...procs].reverse()) {
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) continue;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
