import { pino, type Logger } from 'pino';
import type { LockRequest } from '../../core/ports.ts';
import {
  compositeRegion,
  countdownRect,
  countdownSvg,
  countdownText,
  lockScreenSvg,
  messageBoxSize,
  messageBoxSvg,
  messageButtonRect,
  noticeBoxLayout,
  renderRgba,
  toBgrx,
  type BgrxImage,
  type MessageBoxText,
} from './lock-screen-image.ts';
import { coreRequest, XConnection } from './x11-connection.ts';

// The Linux headless agent's own on-screen windows, drawn with core X requests over XConnection (no Xlib,
// no toolkit): an override-redirect window (no window manager decorates, moves or closes it) showing an
// image rendered with sharp (PutImage), re-raised whenever something covers it. The lock screen is
// fullscreen and grabs the keyboard and the pointer, so Alt+F4, Escape, clicks and the window manager's
// own shortcuts reach nothing; the message box is a small always-on-top window with an OK button.

/** WM_NAME of the teacher lock window (tests and the locker look for it with xwininfo). */
export const LOCK_WINDOW_NAME = 'Vigil lock';
/** WM_NAME of the message / warning box. */
export const MESSAGE_WINDOW_NAME = 'Vigil message';
/** The acceptable-use notice's window (X11MessageBox with `notice`). */
export const NOTICE_WINDOW_NAME = 'Vigil acceptable use';

const EVENT_MASK = {
  keyPress: 0x1,
  buttonPress: 0x4,
  exposure: 0x8000,
  visibilityChange: 0x10000,
  structureNotify: 0x20000,
};
const EV = { buttonPress: 4, expose: 12, visibility: 15, destroy: 17, unmap: 18 };
const GRAB_SUCCESS = 0;

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface OverlayWindowOptions {
  env: NodeJS.ProcessEnv;
  name: string;
  /** Where on the screen; undefined = the whole screen. */
  rect?: (screenWidth: number, screenHeight: number) => Rect;
  /** Grab the keyboard and the pointer (the lock screen). */
  grab: boolean;
  /** Whether to go back on top when covered, asked each time. Default always. */
  keepOnTop?: () => boolean;
  log: Logger;
}

/** One override-redirect window on its own X connection: closing the connection removes it. */
class OverlayWindow {
  readonly rect: Rect;
  readonly #x: XConnection;
  readonly #wid: number;
  readonly #gc: number;
  readonly #grab: boolean;
  readonly #keepOnTop: () => boolean;
  readonly #log: Logger;
  #image: BgrxImage | undefined;
  #onClick: (x: number, y: number) => void = () => {};
  #onGone: (err: Error | undefined) => void = () => {};
  #closing = false;

  private constructor(x: XConnection, wid: number, gc: number, rect: Rect, opts: OverlayWindowOptions) {
    this.#x = x;
    this.#wid = wid;
    this.#gc = gc;
    this.rect = rect;
    this.#grab = opts.grab;
    this.#keepOnTop = opts.keepOnTop ?? (() => true);
    this.#log = opts.log;
    x.onEvent((event) => this.#event(event));
    x.onClose((err) => {
      if (!this.#closing) this.#onGone(err ?? new Error('X connection closed'));
    });
  }

  static async create(opts: OverlayWindowOptions): Promise<OverlayWindow> {
    const x = await XConnection.open(opts.env);
    try {
      const { setup } = x;
      if ((setup.rootDepth !== 24 && setup.rootDepth !== 32) || !setup.imageLsbFirst) {
        throw new Error(`screen depth ${setup.rootDepth} (${setup.imageLsbFirst ? 'LSB' : 'MSB'} first) is not supported: 24/32-bit little-endian only`);
      }
      const rect = opts.rect?.(setup.screenWidth, setup.screenHeight) ?? { x: 0, y: 0, width: setup.screenWidth, height: setup.screenHeight };
      const wid = x.newId();
      const create = Buffer.alloc(28 + 12);
      create.writeUInt32LE(wid, 0);
      create.writeUInt32LE(setup.rootWindow, 4);
      create.writeInt16LE(rect.x, 8);
      create.writeInt16LE(rect.y, 10);
      create.writeUInt16LE(rect.width, 12);
      create.writeUInt16LE(rect.height, 14);
      create.writeUInt16LE(0, 16); // border
      create.writeUInt16LE(1, 18); // InputOutput
      create.writeUInt32LE(0, 20); // visual: CopyFromParent
      create.writeUInt32LE(0x2 | 0x200 | 0x800, 24); // background-pixel, override-redirect, event-mask
      create.writeUInt32LE(0x0b1a2e, 28);
      create.writeUInt32LE(1, 32);
      const mask = EVENT_MASK.keyPress | EVENT_MASK.buttonPress | EVENT_MASK.exposure | EVENT_MASK.visibilityChange | EVENT_MASK.structureNotify;
      create.writeUInt32LE(mask, 36);
      x.send(coreRequest(1, 0, create));
      setStringProperty(x, wid, 39 /* WM_NAME */, opts.name);
      setStringProperty(x, wid, 67 /* WM_CLASS */, 'vigil\0Vigil\0');
      const gc = x.newId();
      const gcBody = Buffer.alloc(12);
      gcBody.writeUInt32LE(gc, 0);
      gcBody.writeUInt32LE(wid, 4);
      x.send(coreRequest(55, 0, gcBody));
      await x.sync();
      return new OverlayWindow(x, wid, gc, rect, opts);
    } catch (err) {
      x.close();
      throw err;
    }
  }

  onClick(listener: (x: number, y: number) => void): void {
    this.#onClick = listener;
  }

  /** The window went away without close(): the X server closed the connection (xkill, server gone). */
  onGone(listener: (err: Error | undefined) => void): void {
    this.#onGone = listener;
  }

  get gone(): boolean {
    return this.#x.closed;
  }

  /** Draws `image` (the window's size) and keeps it to repaint exposed parts. */
  async paint(image: BgrxImage): Promise<void> {
    if (image.width !== this.rect.width || image.height !== this.rect.height) throw new Error('image is not the window size');
    this.#image = image;
    this.#put(0, 0, image.width, image.height);
    await this.#x.sync();
  }

  /** Replaces the `rect` part of the kept image with `pixels` (B,G,R,X, rect-sized) and draws it. */
  async paintRegion(rect: Rect, pixels: Buffer): Promise<void> {
    const image = this.#image;
    if (image === undefined) throw new Error('paint() the whole window first');
    for (let row = 0; row < rect.height; row++) {
      pixels.copy(image.data, ((rect.y + row) * image.width + rect.x) * 4, row * rect.width * 4, (row + 1) * rect.width * 4);
    }
    this.#put(rect.x, rect.y, rect.width, rect.height);
    await this.#x.sync();
  }

  /** Maps the window on top of everything and, for the lock screen, takes the grabs (retrying while another client holds them). */
  async show(timeoutMs: number): Promise<void> {
    const body = Buffer.alloc(4);
    body.writeUInt32LE(this.#wid, 0);
    this.#x.send(coreRequest(8, 0, body)); // MapWindow
    this.raise();
    await this.#x.sync();
    if (!this.#grab) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const problem = await this.grab();
      if (problem === undefined) return;
      if (Date.now() > deadline) throw new Error(`could not grab the ${problem} (another program holds it)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Puts the window above every other (stack mode Above). */
  raise(): void {
    if (this.#x.closed) return;
    const body = Buffer.alloc(8 + 4);
    body.writeUInt32LE(this.#wid, 0);
    body.writeUInt16LE(0x40, 4); // stack-mode
    body.writeUInt32LE(0, 8); // Above
    this.#x.send(coreRequest(12, 0, body));
  }

  /** (Re)takes the keyboard and pointer grabs; undefined when both are held, else what could not be grabbed. */
  async grab(): Promise<'keyboard' | 'pointer' | undefined> {
    const kb = Buffer.alloc(12);
    kb.writeUInt32LE(this.#wid, 0);
    kb.writeUInt32LE(0, 4); // CurrentTime
    kb.writeUInt8(1, 8); // pointer mode async
    kb.writeUInt8(1, 9); // keyboard mode async
    const kbReply = await this.#x.request('GrabKeyboard', coreRequest(31, 0, kb));
    if (kbReply.readUInt8(1) !== GRAB_SUCCESS) return 'keyboard';
    const ptr = Buffer.alloc(20);
    ptr.writeUInt32LE(this.#wid, 0);
    ptr.writeUInt16LE(EVENT_MASK.buttonPress, 4);
    ptr.writeUInt8(1, 6);
    ptr.writeUInt8(1, 7);
    ptr.writeUInt32LE(this.#wid, 8); // confine-to: the pointer stays on the lock screen
    ptr.writeUInt32LE(0, 12);
    ptr.writeUInt32LE(0, 16);
    const ptrReply = await this.#x.request('GrabPointer', coreRequest(26, 0, ptr));
    return ptrReply.readUInt8(1) === GRAB_SUCCESS ? undefined : 'pointer';
  }

  /** Removes the window (closing the connection destroys it and releases the grabs). */
  close(): void {
    this.#closing = true;
    this.#x.close();
  }

  #put(x: number, y: number, width: number, height: number): void {
    const image = this.#image;
    if (image === undefined || this.#x.closed) return;
    const rowBytes = width * 4;
    const rowsPerRequest = Math.max(1, Math.floor((this.#x.setup.maxRequestBytes - 24) / rowBytes));
    for (let top = 0; top < height; top += rowsPerRequest) {
      const rows = Math.min(rowsPerRequest, height - top);
      const body = Buffer.alloc(20 + rows * rowBytes);
      body.writeUInt32LE(this.#wid, 0);
      body.writeUInt32LE(this.#gc, 4);
      body.writeUInt16LE(width, 8);
      body.writeUInt16LE(rows, 10);
      body.writeInt16LE(x, 12);
      body.writeInt16LE(y + top, 14);
      body.writeUInt8(0, 16); // left-pad
      body.writeUInt8(this.#x.setup.rootDepth, 17);
      for (let r = 0; r < rows; r++) {
        const from = ((y + top + r) * image.width + x) * 4;
        image.data.copy(body, 20 + r * rowBytes, from, from + rowBytes);
      }
      this.#x.send(coreRequest(72, 2 /* ZPixmap */, body));
    }
  }

  #event(event: Buffer): void {
    const type = event.readUInt8(0) & 0x7f;
    if (type === EV.expose) {
      this.#put(event.readUInt16LE(8), event.readUInt16LE(10), event.readUInt16LE(12), event.readUInt16LE(14));
    } else if (type === EV.visibility) {
      // Something covers the window (a window the window manager raised): back on top.
      if (event.readUInt8(8) !== 0 && this.#keepOnTop()) this.raise();
    } else if (type === EV.unmap) {
      // Another client unmapped it: map it again.
      if (this.#closing) return;
      this.#log.warn('overlay window was unmapped by another program; mapping it again');
      const body = Buffer.alloc(4);
      body.writeUInt32LE(this.#wid, 0);
      this.#x.send(coreRequest(8, 0, body));
      this.raise();
    } else if (type === EV.destroy) {
      if (!this.#closing) this.#onGone(new Error('overlay window destroyed'));
    } else if (type === EV.buttonPress) {
      this.#onClick(event.readInt16LE(24), event.readInt16LE(26));
    }
  }
}

function setStringProperty(x: XConnection, wid: number, property: number, value: string): void {
  const data = Buffer.from(value, 'utf8');
  const body = Buffer.alloc(20 + data.length);
  body.writeUInt32LE(wid, 0);
  body.writeUInt32LE(property, 4);
  body.writeUInt32LE(31 /* STRING */, 8);
  body.writeUInt8(8, 12);
  body.writeUInt32LE(data.length, 16);
  data.copy(body, 20);
  x.send(coreRequest(18, 0 /* Replace */, body));
}

export interface X11LockScreenOptions {
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** How long show() waits for the keyboard and pointer grabs. Default 3 s. */
  grabTimeoutMs?: number;
  now?: () => number;
}

/**
 * The teacher lock screen: the message, who locked and a countdown redrawn each second, fullscreen, grabbing
 * keyboard and pointer, re-raised and re-grabbed each second. show() resolves once it is mapped and holds both
 * grabs (so a `lock-state` locked report means the pupil sees it); it rejects when it cannot be made.
 */
export class X11LockScreen {
  /** Lock screens of this process on screen now. */
  static #open = 0;
  static #waiters: (() => void)[] = [];
  readonly #window: OverlayWindow;
  #request: LockRequest;
  readonly #now: () => number;
  readonly #log: Logger;
  #background: Buffer | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #lastText = '';
  #onGone: (err: Error | undefined) => void = () => {};

  private constructor(window: OverlayWindow, request: LockRequest, now: () => number, log: Logger) {
    this.#window = window;
    this.#request = request;
    this.#now = now;
    this.#log = log;
    window.onGone((err) => {
      this.#stop();
      this.#onGone(err);
    });
  }

  /** True while a lock screen of this process is up (the message box then stays under it and waits). */
  static get anyShowing(): boolean {
    return X11LockScreen.#open > 0;
  }

  /** Resolves once no lock screen of this process is on screen. */
  static allClosed(): Promise<void> {
    if (X11LockScreen.#open === 0) return Promise.resolve();
    return new Promise((resolve) => X11LockScreen.#waiters.push(resolve));
  }

  static async show(request: LockRequest, opts: X11LockScreenOptions = {}): Promise<X11LockScreen> {
    const log = opts.log ?? pino({ level: 'silent' });
    const window = await OverlayWindow.create({ env: opts.env ?? process.env, name: LOCK_WINDOW_NAME, grab: true, log });
    const screen = new X11LockScreen(window, request, opts.now ?? Date.now, log);
    X11LockScreen.#open++;
    try {
      await screen.#draw();
      await window.show(opts.grabTimeoutMs ?? 3_000);
    } catch (err) {
      screen.close();
      throw err;
    }
    screen.#timer = setInterval(() => void screen.#tick(), 1_000);
    return screen;
  }

  /** Still on screen (the X connection is open and close() was not called). */
  get showing(): boolean {
    return !this.#closed && !this.#window.gone;
  }

  /** The window vanished without close() (its X connection was closed: xkill, the X server went). */
  onGone(listener: (err: Error | undefined) => void): void {
    this.#onGone = listener;
  }

  close(): void {
    this.#stop();
    this.#window.close();
  }

  /** Shows another lock's message, teacher and end in the same window (no gap in the lock). */
  async update(request: LockRequest): Promise<void> {
    this.#request = request;
    await this.#draw();
  }

  #stop(): void {
    if (!this.#closed) {
      X11LockScreen.#open--;
      if (X11LockScreen.#open === 0) for (const wake of X11LockScreen.#waiters.splice(0)) wake();
    }
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#background = undefined;
  }

  async #draw(): Promise<void> {
    const { width, height } = this.#window.rect;
    const text: { message?: string; by?: string } = {};
    if (this.#request.message !== undefined) text.message = this.#request.message;
    if (this.#request.by !== undefined) text.by = this.#request.by;
    this.#background = await renderRgba(lockScreenSvg(width, height, text), width, height);
    const pill = countdownRect(width, height);
    this.#lastText = countdownText(this.#request.until, this.#now());
    const region = await compositeRegion(this.#background, width, height, pill, countdownSvg(pill.width, pill.height, this.#lastText));
    const full = toBgrx(this.#background, width, height);
    const pillBgrx = toBgrx(region, pill.width, pill.height);
    for (let row = 0; row < pill.height; row++) {
      pillBgrx.data.copy(full.data, ((pill.y + row) * width + pill.x) * 4, row * pill.width * 4, (row + 1) * pill.width * 4);
    }
    await this.#window.paint(full);
  }

  async #tick(): Promise<void> {
    if (!this.showing) return;
    try {
      this.#window.raise();
      const problem = await this.#window.grab();
      if (problem !== undefined) this.#log.warn({ problem }, 'lock screen lost its grab; retrying');
      const text = countdownText(this.#request.until, this.#now());
      const background = this.#background;
      if (text === this.#lastText || background === undefined) return;
      this.#lastText = text;
      const { width, height } = this.#window.rect;
      const pill = countdownRect(width, height);
      const region = await compositeRegion(background, width, height, pill, countdownSvg(pill.width, pill.height, text));
      if (this.showing) await this.#window.paintRegion(pill, toBgrx(region, pill.width, pill.height).data);
    } catch (err) {
      if (this.showing) this.#log.warn({ err }, 'lock screen update failed');
    }
  }
}

export interface X11MessageBoxOptions {
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Hide by itself after this long. Default: stays until OK. */
  autoHideMs?: number;
  /** Redrawn each second while it shows (the idle warning's countdown); undefined = no footer. */
  footer?: () => string | undefined;
  /**
   * The acceptable-use notice: a larger box in the middle of the screen with as many lines as fit, that
   * stays until its button is pressed (give no autoHideMs).
   */
  notice?: boolean;
}

export type MessageBoxEnd = 'ok' | 'timeout' | 'closed' | 'gone';

/** A message on screen in the agent's own always-on-top box, top right, with an OK button. */
export class X11MessageBox {
  /** How the box went: OK clicked, auto-hidden, close() called, or its X connection ended. */
  readonly ended: Promise<MessageBoxEnd>;
  readonly #window: OverlayWindow;
  readonly #text: MessageBoxText;
  readonly #footer: (() => string | undefined) | undefined;
  #end: (how: MessageBoxEnd) => void = () => {};
  #timers: NodeJS.Timeout[] = [];
  #lastFooter: string | undefined;
  #done = false;

  private constructor(window: OverlayWindow, text: MessageBoxText, footer: (() => string | undefined) | undefined) {
    this.#window = window;
    this.#text = text;
    this.#footer = footer;
    this.ended = new Promise((resolve) => {
      this.#end = resolve;
    });
    const button = messageButtonRect(window.rect.width, window.rect.height, text.button);
    window.onClick((x, y) => {
      if (x >= button.x && x < button.x + button.width && y >= button.y && y < button.y + button.height) this.#finish('ok');
    });
    window.onGone(() => this.#finish('gone'));
  }

  static async show(text: MessageBoxText, opts: X11MessageBoxOptions = {}): Promise<X11MessageBox> {
    const log = opts.log ?? pino({ level: 'silent' });
    let laidOut = text;
    const window = await OverlayWindow.create({
      env: opts.env ?? process.env,
      name: opts.notice === true ? NOTICE_WINDOW_NAME : MESSAGE_WINDOW_NAME,
      grab: false,
      keepOnTop: () => !X11LockScreen.anyShowing,
      log,
      rect: (sw, sh) => {
        if (opts.notice === true) {
          const { maxLines, ...size } = noticeBoxLayout(sw, sh, text.body);
          laidOut = { ...text, maxLines };
          return { x: Math.max(0, Math.round((sw - size.width) / 2)), y: Math.max(0, Math.round((sh - size.height) / 2)), ...size };
        }
        const size = messageBoxSize(sw, sh);
        return { x: Math.max(0, sw - size.width - 24), y: Math.min(24, Math.max(0, sh - size.height)), ...size };
      },
    });
    const box = new X11MessageBox(window, laidOut, opts.footer);
    try {
      await box.#draw();
      await window.show(0);
    } catch (err) {
      box.close();
      throw err;
    }
    if (opts.autoHideMs !== undefined) box.#timers.push(setTimeout(() => box.#finish('timeout'), opts.autoHideMs));
    box.#timers.push(
      setInterval(() => {
        // Under the agent's own lock screen it stays under: the two must not fight over the top.
        if (!X11LockScreen.anyShowing) window.raise();
        if (box.#footer !== undefined && box.#footer() !== box.#lastFooter) box.#draw().catch(() => undefined);
      }, 1_000),
    );
    return box;
  }

  get showing(): boolean {
    return !this.#done && !this.#window.gone;
  }

  close(): void {
    this.#finish('closed');
  }

  async #draw(): Promise<void> {
    const { width, height } = this.#window.rect;
    const footer = this.#footer?.();
    this.#lastFooter = footer;
    const text: MessageBoxText = footer === undefined ? this.#text : { ...this.#text, footer };
    const rgba = await renderRgba(messageBoxSvg(width, height, text), width, height);
    if (!this.#done) await this.#window.paint(toBgrx(rgba, width, height));
  }

  #finish(how: MessageBoxEnd): void {
    if (this.#done) return;
    this.#done = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    this.#window.close();
    this.#end(how);
  }
}
