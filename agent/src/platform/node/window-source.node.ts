import { basename } from 'node:path';
import type { activeWindow as ActiveWindowFn } from 'get-windows';
import { pino, type Logger } from 'pino';
import type { ActiveWindow, WindowSource } from '../../core/ports.ts';
import { Backoff } from './backoff.ts';
import { findExecutable } from './exec.ts';
import { spawnLineProcess, type LineProcess } from './line-process.ts';
import { x11WindowTitle } from './x11-title.ts';

/**
 * - `x11-events`: one long-lived `xprop -root -spy _NET_ACTIVE_WINDOW` plus one `xprop -spy` on the focused
 *   window's name; the window is re-queried only when X reports a change, so an idle desktop costs nothing.
 * - `poll`: get-windows every `pollIntervalMs` (on Linux that is three short-lived processes per poll).
 * - `auto`: `x11-events` on Linux when xprop and DISPLAY are there, else `poll` (Windows / macOS).
 */
export type WindowSourceStrategy = 'auto' | 'x11-events' | 'poll';

export type WindowQuery = () => Promise<ActiveWindow | undefined>;

export interface NodeWindowSourceOptions {
  strategy?: WindowSourceStrategy;
  /** `poll` only. Default 1000 ms. */
  pollIntervalMs?: number;
  /** `x11-events` only: X events within this window are coalesced into one query. Default 30 ms. */
  settleMs?: number;
  /** Reads the focused window; default get-windows (which, like xprop, follows process.env.DISPLAY). */
  query?: WindowQuery;
  log?: Logger;
}

type GetWindowsResult = NonNullable<Awaited<ReturnType<typeof ActiveWindowFn>>>;

let getWindows: Promise<typeof ActiveWindowFn> | undefined;

/**
 * get-windows, loaded on first use. On Linux its Linux module is imported by path: the
 * package's index imports its Windows module on every platform, and that loads
 * @mapbox/node-pre-gyp — ~10 MiB of an idle agent for code that never runs here.
 */
function loadActiveWindow(): Promise<typeof ActiveWindowFn> {
  getWindows ??= (async () => {
    if (process.platform === 'linux') {
      try {
        const linux = (await import(new URL('./lib/linux.js', import.meta.resolve('get-windows')).href)) as { activeWindow?: typeof ActiveWindowFn };
        if (typeof linux.activeWindow === 'function') return linux.activeWindow;
      } catch {
        // A get-windows laid out differently: the package entry below still works.
      }
    }
    return (await import('get-windows')).activeWindow;
  })();
  return getWindows;
}

/** Maps get-windows' result to the port's shape: `app` is the owner's name, else its executable's name. */
export function toActiveWindow(result: GetWindowsResult): ActiveWindow {
  const path = result.owner.path ?? '';
  const app = result.owner.name !== '' ? result.owner.name : basename(path).replace(/\.exe$/i, '');
  const win: ActiveWindow = { app, title: result.title ?? '', pid: result.owner.processId };
  if ('url' in result && typeof result.url === 'string' && result.url !== '') win.url = result.url;
  return win;
}

export async function queryActiveWindow(): Promise<ActiveWindow | undefined> {
  const activeWindow = await loadActiveWindow();
  const result = await activeWindow();
  if (result === undefined) return undefined;
  const win = toActiveWindow(result);
  // get-windows loses any title containing "=" (it comes back empty, see x11-title.ts): only
  // then is the title read again, so the usual query costs no extra process.
  if (process.platform === 'linux' && win.title === '' && typeof result.id === 'number') {
    const title = await x11WindowTitle(result.id);
    if (title !== undefined) win.title = title;
  }
  return win;
}

function sameWindow(a: ActiveWindow | undefined, b: ActiveWindow | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.app === b.app && a.title === b.title && a.url === b.url;
}

export class NodeWindowSource implements WindowSource {
  readonly #strategy: WindowSourceStrategy;
  readonly #pollIntervalMs: number;
  readonly #settleMs: number;
  readonly #query: WindowQuery;
  readonly #log: Logger;

  constructor(opts: NodeWindowSourceOptions = {}) {
    this.#strategy = opts.strategy ?? 'auto';
    this.#pollIntervalMs = opts.pollIntervalMs ?? 1_000;
    this.#settleMs = opts.settleMs ?? 30;
    this.#query = opts.query ?? queryActiveWindow;
    this.#log = opts.log ?? pino({ level: 'silent' });
  }

  current(): Promise<ActiveWindow | undefined> {
    return this.#query();
  }

  /** The strategy `auto` resolves to on this machine. */
  async resolveStrategy(): Promise<'x11-events' | 'poll'> {
    if (this.#strategy !== 'auto') return this.#strategy;
    const x11 = process.platform === 'linux' && (process.env.DISPLAY ?? '') !== '' && (await findExecutable('xprop')) !== undefined;
    return x11 ? 'x11-events' : 'poll';
  }

  watch(onChange: (win: ActiveWindow | undefined) => void): () => void {
    let stopped = false;
    let last: { win: ActiveWindow | undefined } | undefined;
    let running = false;
    let dirty = false;
    // Serial queries with a dirty flag: a change during a query triggers exactly one more.
    const refresh = async (): Promise<void> => {
      if (running) {
        dirty = true;
        return;
      }
      running = true;
      try {
        do {
          dirty = false;
          let win: ActiveWindow | undefined;
          try {
            win = await this.#query();
          } catch (err) {
            this.#log.warn({ err }, 'active window query failed');
            continue;
          }
          if (stopped) return;
          if (last === undefined || !sameWindow(last.win, win)) {
            last = { win };
            onChange(win);
          }
        } while (dirty && !stopped);
      } finally {
        running = false;
      }
    };
    let stopMechanism: () => void = () => {};
    void this.resolveStrategy().then((strategy) => {
      if (stopped) return;
      this.#log.debug({ strategy }, 'watching the active window');
      stopMechanism = strategy === 'poll' ? this.#poll(refresh) : this.#x11Events(refresh);
    });
    return () => {
      stopped = true;
      stopMechanism();
    };
  }

  #poll(refresh: () => Promise<void>): () => void {
    void refresh();
    const timer = setInterval(() => void refresh(), this.#pollIntervalMs);
    return () => clearInterval(timer);
  }

  #x11Events(refresh: () => Promise<void>): () => void {
    let stopped = false;
    let settle: NodeJS.Timeout | undefined;
    let restart: NodeJS.Timeout | undefined;
    let root: LineProcess | undefined;
    let focused: { id: string; spy: LineProcess } | undefined;
    const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
    const schedule = () => {
      if (settle !== undefined) return;
      settle = setTimeout(() => {
        settle = undefined;
        void refresh();
      }, this.#settleMs);
    };
    // Focus moves show up as the new window id (often via 0x0); titles change on the window itself,
    // so follow the focused window's name with a second spy, replaced whenever focus moves.
    const follow = (id: string) => {
      if (focused?.id === id) return;
      focused?.spy.stop();
      focused = undefined;
      if (id !== '0x0') {
        focused = { id, spy: spawnLineProcess('xprop', ['-spy', '-id', id, '_NET_WM_NAME', 'WM_NAME'], { onLine: schedule }) };
      }
    };
    const startRoot = () => {
      root = spawnLineProcess('xprop', ['-root', '-spy', '_NET_ACTIVE_WINDOW'], {
        onLine: (line) => {
          const id = /window id # (0x[0-9a-f]+)/i.exec(line)?.[1];
          if (id !== undefined) {
            backoff.reset();
            follow(id.toLowerCase());
          }
          schedule();
        },
        onExit: (detail) => {
          if (stopped) return;
          const delayMs = backoff.next();
          this.#log.warn({ detail, retryInMs: delayMs }, 'xprop -spy ended; restarting');
          follow('0x0');
          schedule();
          restart = setTimeout(startRoot, delayMs);
        },
      });
    };
    startRoot();
    return () => {
      stopped = true;
      clearTimeout(settle);
      clearTimeout(restart);
      root?.stop();
      follow('0x0');
    };
  }
}
