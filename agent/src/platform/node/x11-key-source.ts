import { pino, type Logger } from 'pino';
import type { ForeignLock, Key, KeySource, KeySourceStatus } from '../../core/ports.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { coreRequest, extRequest, XConnection, type XReply } from './x11-connection.ts';
import { modifierMasks, translateKeyPress, X11Keymap, type ModifierMasks } from './x11-keymap.ts';

export interface X11KeySourceOptions {
  /** DISPLAY (and XAUTHORITY) of the session. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Report mouse button presses as the key 'Click' (they end a typed word). Default true. */
  clicks?: boolean;
  /** Reconnect delays after the X connection fails. Default 500 ms doubling to 30 s, with jitter. */
  restart?: BackoffOptions;
  /** A connection that lasted this long before failing reconnects from the shortest delay again. Default 10 s. */
  stableAfterMs?: number;
  /** While a foreign grab is believed held, check again this often (a grab can end without a request we see). Default 5 s. */
  recheckLockMs?: number;
  log?: Logger;
}

// Core protocol opcodes and event types used here.
const OP = {
  GrabKeyboard: 31,
  UngrabKeyboard: 32,
  ChangeKeyboardMapping: 100,
  GetKeyboardMapping: 101,
  SetModifierMapping: 118,
  GetModifierMapping: 119,
} as const;
const EV = { KeyPress: 2, KeyRelease: 3, ButtonPress: 4, ButtonRelease: 5 } as const;
// RECORD: minor opcodes, reply categories, the AllClients client spec.
const RECORD = { QueryVersion: 0, CreateContext: 1, EnableContext: 5, AllClients: 3 } as const;
const CATEGORY = { FromServer: 0, FromClient: 1, ClientStarted: 2, ClientDied: 3, StartOfData: 4, EndOfData: 5 } as const;
// XKB requests that replace the keymap (setxkbmap, xkbcomp): SetMap, GetKbdByName (with load).
const XKB_MAP_REQUESTS = [9, 23] as const;
// XInput grabs: XI 1 GrabDevice / UngrabDevice, XI 2 XIGrabDevice / XIUngrabDevice.
const XI_GRAB_REQUESTS = [13, 14, 51, 52] as const;
const SCREENSAVER = { QueryInfo: 1, SelectInput: 2, NotifyMask: 1, On: 1 } as const;
/** Buttons that end a word: left, middle, right, back, forward (not the wheel, 4–7). */
const CLICK_BUTTONS = new Set([1, 2, 3, 8, 9]);

/**
 * The Linux / X11 key path: one X connection records every key press the server sees (the RECORD extension,
 * all clients), together with the requests other programs send that change what a key means — the keymap
 * (`xdotool type` binds a spare keycode to a character that is not on the layout for a few milliseconds;
 * `setxkbmap`; on-screen keyboards) — and the requests that grab the keyboard (lock screens). RECORD delivers
 * them in the order the server handled them, so a key pressed while a spare keycode is bound is read with that
 * binding, and keys pressed after a grab never reach `onKey`. Each press is read in the active XKB group
 * (the group is in the event's state), with Shift, Caps Lock, Num Lock and AltGr.
 *
 * A second connection reads the keymap and checks grabs (the probe: GrabKeyboard on the root window, with
 * UngrabKeyboard sent straight after it in the same write, so a probe that succeeds holds the keyboard for no
 * round trip); it also follows the MIT-SCREEN-SAVER state. Keys exist only in this process's memory on their
 * way to `onKey`; they are never logged.
 */
export class X11KeySource implements KeySource {
  readonly #env: NodeJS.ProcessEnv;
  readonly #clicks: boolean;
  readonly #backoff: Backoff;
  readonly #stableAfterMs: number;
  readonly #recheckLockMs: number;
  readonly #log: Logger;
  #running = false;
  #control: XConnection | undefined;
  #data: XConnection | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #status: KeySourceStatus | undefined;
  #onKey: (key: Key) => void = () => {};
  #onStatus: (status: KeySourceStatus, detail?: string) => void = () => {};
  readonly #lockListeners = new Set<(lock: ForeignLock | undefined) => void>();
  readonly #keymap = new X11Keymap();
  #masks: ModifierMasks = { numLock: 0x10, level3: 0x80 };
  #reloadTimer: NodeJS.Timeout | undefined;
  /** The MIT-SCREEN-SAVER notify event's number, and the XKB / XInput major opcodes, on this server. */
  #screenSaverEvent: number | undefined;
  #xkbOpcode: number | undefined;
  #xinputOpcode: number | undefined;
  /** A keyboard grab by another client: suspected from its request, then confirmed (or not) by the probe. */
  #grabbed = false;
  #screenSaverOn = false;
  #probing: Promise<void> | undefined;
  #probeAgain = false;
  #recheckTimer: NodeJS.Timeout | undefined;
  #lock: ForeignLock | undefined;
  /** Round-trip time of the last probe, for the README's numbers and the debug log. */
  lastProbeMs: number | undefined;

  constructor(opts: X11KeySourceOptions = {}) {
    this.#env = opts.env ?? process.env;
    this.#clicks = opts.clicks ?? true;
    this.#backoff = new Backoff(opts.restart);
    this.#stableAfterMs = opts.stableAfterMs ?? 10_000;
    this.#recheckLockMs = opts.recheckLockMs ?? 5_000;
    this.#log = opts.log ?? pino({ level: 'silent' });
  }

  /** The lock screen (another program's keyboard grab, the screen saver) keys are withheld for, if any. */
  get foreignLock(): ForeignLock | undefined {
    return this.#lock;
  }

  async start(onKey: (key: Key) => void, onStatus: (status: KeySourceStatus, detail?: string) => void): Promise<void> {
    if (this.#running) throw new Error('key source already started');
    this.#running = true;
    this.#onKey = onKey;
    this.#onStatus = onStatus;
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#restartTimer);
    this.#disconnect();
    this.#status = undefined;
  }

  watchForeignLock(listener: (lock: ForeignLock | undefined) => void): () => void {
    this.#lockListeners.add(listener);
    return () => this.#lockListeners.delete(listener);
  }

  async #connect(): Promise<void> {
    if (!this.#running) return;
    let connectedAt = 0;
    try {
      if ((this.#env.DISPLAY ?? '') === '') throw new Error('no DISPLAY: not running in an X session');
      const control = (this.#control = await XConnection.open(this.#env));
      const data = (this.#data = await XConnection.open(this.#env));
      const onClose = (err: Error | undefined): void => {
        if (!this.#running || (this.#control !== control && this.#data !== data)) return;
        this.#disconnect();
        if (Date.now() - connectedAt >= this.#stableAfterMs) this.#backoff.reset();
        this.#failed(`keyboard hook stopped: ${err?.message ?? 'X connection closed'}`);
      };
      control.onClose(onClose);
      data.onClose(onClose);
      control.onEvent((ev) => this.#controlEvent(ev));
      const record = await control.queryExtension('RECORD');
      if (record === undefined) throw new Error('the X server has no RECORD extension (start it with +extension RECORD)');
      const [xkb, xinput, screenSaver] = await Promise.all([
        control.queryExtension('XKEYBOARD'),
        control.queryExtension('XInputExtension'),
        control.queryExtension('MIT-SCREEN-SAVER'),
      ]);
      this.#screenSaverEvent = screenSaver?.firstEvent;
      this.#xkbOpcode = xkb?.majorOpcode;
      this.#xinputOpcode = xinput?.majorOpcode;
      await this.#readKeymap(control, this.#keymap);
      if (screenSaver !== undefined) await this.#watchScreenSaver(control, screenSaver.majorOpcode);
      await this.#probe();
      await data.request('RecordQueryVersion', extRequest(record.majorOpcode, RECORD.QueryVersion, Buffer.from([1, 0, 13, 0])));
      const context = data.newId();
      data.send(createContext(record.majorOpcode, context, this.#ranges(xkb?.majorOpcode, xinput?.majorOpcode)));
      const ctx = Buffer.alloc(4);
      ctx.writeUInt32LE(context, 0);
      const ownBase = control.setup.resourceIdBase;
      data
        .requestMany('RecordEnableContext', extRequest(record.majorOpcode, RECORD.EnableContext, ctx), (reply) => {
          if (reply[1] === CATEGORY.StartOfData) {
            connectedAt = Date.now();
            // The X resource that identifies the recording connection (what `xkill -id` would name to cut it).
            this.#log.info({ recordContext: `0x${context.toString(16)}` }, 'recording keys from the X server');
            this.#setStatus('ok');
            return;
          }
          this.#recorded(reply, ownBase);
        })
        .catch((err: unknown) => {
          if (this.#data === data) onClose(err instanceof Error ? err : new Error(String(err)));
        });
      // stop() while this was connecting: nothing is left open.
      if (!this.#running) this.#disconnect();
    } catch (err) {
      this.#disconnect();
      this.#failed(`keyboard hook could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #ranges(xkbOpcode: number | undefined, xinputOpcode: number | undefined): Buffer[] {
    const ranges = [
      range({ deviceEvents: [EV.KeyPress, EV.ButtonRelease], coreRequests: [OP.GrabKeyboard, OP.UngrabKeyboard], clientDied: true }),
      range({ coreRequests: [OP.ChangeKeyboardMapping, OP.ChangeKeyboardMapping] }),
      range({ coreRequests: [OP.SetModifierMapping, OP.SetModifierMapping] }),
    ];
    if (xkbOpcode !== undefined) for (const minor of XKB_MAP_REQUESTS) ranges.push(range({ extRequests: [xkbOpcode, minor] }));
    if (xinputOpcode !== undefined) for (const minor of XI_GRAB_REQUESTS) ranges.push(range({ extRequests: [xinputOpcode, minor] }));
    return ranges;
  }

  #disconnect(): void {
    clearTimeout(this.#reloadTimer);
    clearTimeout(this.#recheckTimer);
    const control = this.#control;
    const data = this.#data;
    this.#control = undefined;
    this.#data = undefined;
    control?.close();
    data?.close();
  }

  // --- the recorded stream, in the server's order ---------------------------------------------------------

  #recorded(reply: XReply, ownBase: number): void {
    const category = reply[1];
    const swapped = reply[9] !== 0;
    const clientBase = reply.readUInt32LE(12);
    const body = reply.subarray(32);
    if (category === CATEGORY.FromServer) {
      for (let off = 0; off + 32 <= body.length; off += 32) this.#deviceEvent(body.subarray(off, off + 32));
    } else if (category === CATEGORY.FromClient) {
      if (clientBase === ownBase) return;
      let off = 0;
      while (off + 4 <= body.length) {
        const len = requestLength(body, off, swapped);
        if (len < 4 || off + len > body.length) break;
        this.#request(body.subarray(off, off + len), swapped, clientBase);
        off += len;
      }
    } else if (category === CATEGORY.ClientDied && this.#grabbed) {
      this.#scheduleProbe();
    }
  }

  #deviceEvent(ev: Buffer): void {
    const type = ev[0] ?? 0;
    if (type === EV.KeyPress) {
      const keycode = ev.readUInt8(1);
      const state = ev.readUInt16LE(28);
      if (this.#lock !== undefined) return; // under a lock screen: never read, never buffered
      const key = translateKeyPress(this.#keymap, this.#masks, keycode, state);
      if (key !== undefined) this.#onKey(key);
    } else if (type === EV.ButtonPress && this.#clicks && this.#lock === undefined && CLICK_BUTTONS.has(ev.readUInt8(1))) {
      this.#onKey('Click');
    }
  }

  #request(req: Buffer, swapped: boolean, clientBase: number): void {
    const opcode = req[0];
    const u32 = (off: number): number => (swapped ? req.readUInt32BE(off) : req.readUInt32LE(off));
    switch (opcode) {
      case OP.ChangeKeyboardMapping: {
        // keycode-count in the data byte; first-keycode, keysyms-per-keycode, then the keysyms.
        const count = req.readUInt8(1);
        const first = req.readUInt8(4);
        const per = req.readUInt8(5);
        const syms = Array.from({ length: count * per }, (_, i) => (8 + 4 * i + 4 <= req.length ? u32(8 + 4 * i) : 0));
        this.#keymap.change(first, per, syms);
        this.#log.debug({ first, count, client: clientBase.toString(16) }, 'keymap changed by a client');
        return;
      }
      case OP.SetModifierMapping:
        this.#scheduleReload();
        return;
      case OP.GrabKeyboard:
        // Withhold keys from now on (this is the server's order): the probe then says whether it holds.
        this.#setGrabbed(true, clientBase);
        this.#scheduleProbe();
        return;
      case OP.UngrabKeyboard:
        if (this.#grabbed) this.#scheduleProbe();
        return;
      default:
        // Extension requests (the ranges asked for no others): XKB keymap loads, XInput grabs / ungrabs.
        if (opcode === this.#xkbOpcode) this.#scheduleReload();
        else if (opcode === this.#xinputOpcode) this.#inputGrabRequest(req[1] ?? 0, clientBase);
    }
  }

  #inputGrabRequest(minor: number, clientBase: number): void {
    if (minor === 13 || minor === 51) {
      this.#setGrabbed(true, clientBase);
      this.#scheduleProbe();
    } else if (this.#grabbed) {
      this.#scheduleProbe();
    }
  }

  // --- keymap -------------------------------------------------------------------------------------------

  async #readKeymap(control: XConnection, into: X11Keymap): Promise<void> {
    const { minKeycode, maxKeycode } = control.setup;
    const map = await control.request(
      'GetKeyboardMapping',
      coreRequest(OP.GetKeyboardMapping, 0, Buffer.from([minKeycode, maxKeycode - minKeycode + 1, 0, 0])),
    );
    const per = map.readUInt8(1);
    const syms = new Uint32Array((map.length - 32) / 4);
    for (let i = 0; i < syms.length; i++) syms[i] = map.readUInt32LE(32 + 4 * i);
    const fresh = new X11Keymap();
    fresh.change(minKeycode, per, syms);
    const mods = await control.request('GetModifierMapping', coreRequest(OP.GetModifierMapping, 0, Buffer.alloc(0)));
    into.replaceAll(fresh);
    this.#masks = modifierMasks(into, mods.subarray(32), mods.readUInt8(1));
  }

  /** A layout change (setxkbmap, xkbcomp, xmodmap): read the whole keymap again once it has settled. */
  #scheduleReload(): void {
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => {
      const control = this.#control;
      if (control === undefined) return;
      this.#readKeymap(control, this.#keymap).then(
        () => this.#log.info('keyboard layout changed; read it again'),
        (err: unknown) => this.#log.warn({ err }, 'keyboard layout reload failed'),
      );
    }, 100);
  }

  // --- lock screens ---------------------------------------------------------------------------------------

  async #watchScreenSaver(control: XConnection, opcode: number): Promise<void> {
    const root = Buffer.alloc(4);
    root.writeUInt32LE(control.setup.rootWindow, 0);
    const select = Buffer.alloc(8);
    select.writeUInt32LE(control.setup.rootWindow, 0);
    select.writeUInt32LE(SCREENSAVER.NotifyMask, 4);
    control.send(extRequest(opcode, SCREENSAVER.SelectInput, select));
    const info = await control.request('ScreenSaverQueryInfo', extRequest(opcode, SCREENSAVER.QueryInfo, root));
    this.#setScreenSaver(info.readUInt8(1) === SCREENSAVER.On);
  }

  #controlEvent(ev: Buffer): void {
    const type = (ev[0] ?? 0) & 0x7f;
    if (this.#screenSaverEvent !== undefined && type === this.#screenSaverEvent) this.#setScreenSaver(ev.readUInt8(1) === SCREENSAVER.On);
  }

  #setScreenSaver(on: boolean): void {
    this.#screenSaverOn = on;
    this.#updateLock();
  }

  #setGrabbed(grabbed: boolean, clientBase?: number): void {
    if (grabbed && !this.#grabbed) this.#log.debug({ client: clientBase?.toString(16) }, 'another client grabs the keyboard');
    this.#grabbed = grabbed;
    this.#updateLock();
    clearTimeout(this.#recheckTimer);
    if (grabbed) this.#recheckTimer = setTimeout(() => this.#scheduleProbe(), this.#recheckLockMs);
  }

  #scheduleProbe(): void {
    if (this.#probing !== undefined) {
      this.#probeAgain = true;
      return;
    }
    this.#probe().catch((err: unknown) => this.#log.warn({ err }, 'keyboard grab probe failed'));
  }

  /**
   * Is the keyboard grabbed by another client? GrabKeyboard on the root window answers AlreadyGrabbed (or
   * Frozen) when it is. UngrabKeyboard goes out in the same write, before the answer is read: when our grab
   * succeeded the server releases it at once, so the probe never holds a key.
   */
  async #probe(): Promise<void> {
    const control = this.#control;
    if (control === undefined) return;
    const run = (async () => {
      do {
        this.#probeAgain = false;
        const grab = Buffer.alloc(12);
        grab.writeUInt32LE(control.setup.rootWindow, 0);
        grab.writeUInt32LE(0, 4); // CurrentTime
        grab.writeUInt8(1, 8); // pointer mode: asynchronous
        grab.writeUInt8(1, 9); // keyboard mode: asynchronous
        const started = performance.now();
        const answer = control.request('GrabKeyboard', coreRequest(OP.GrabKeyboard, 0, grab));
        control.send(coreRequest(OP.UngrabKeyboard, 0, Buffer.alloc(4)));
        const reply = await answer;
        this.lastProbeMs = performance.now() - started;
        const status = reply.readUInt8(1); // 0 Success, 1 AlreadyGrabbed, 2 InvalidTime, 3 NotViewable, 4 Frozen
        this.#setGrabbed(status === 1 || status === 4);
      } while (this.#probeAgain && this.#control === control);
    })();
    this.#probing = run;
    try {
      await run;
    } finally {
      this.#probing = undefined;
    }
  }

  #updateLock(): void {
    const lock: ForeignLock | undefined = this.#grabbed ? { reason: 'keyboard-grab' } : this.#screenSaverOn ? { reason: 'screen-saver' } : undefined;
    if (lock?.reason === this.#lock?.reason) return;
    this.#lock = lock;
    this.#log.info({ reason: lock?.reason }, lock === undefined ? 'no lock screen: reading keys again' : 'a lock screen holds the keyboard: keys are not read');
    for (const listener of this.#lockListeners) listener(lock);
  }

  // --- status ---------------------------------------------------------------------------------------------

  #failed(detail: string): void {
    if (!this.#running) return;
    const delayMs = this.#backoff.next();
    this.#log.warn({ detail, retryInMs: delayMs }, 'keyboard hook unavailable');
    this.#setStatus('unavailable', detail);
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => void this.#connect(), delayMs);
  }

  #setStatus(status: KeySourceStatus, detail?: string): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#onStatus(status, detail);
  }
}

function requestLength(buf: Buffer, off: number, swapped: boolean): number {
  const words = swapped ? buf.readUInt16BE(off + 2) : buf.readUInt16LE(off + 2);
  if (words !== 0) return words * 4;
  // BIG-REQUESTS: a zero length is followed by the 32-bit length.
  if (off + 8 > buf.length) return 0;
  return (swapped ? buf.readUInt32BE(off + 4) : buf.readUInt32LE(off + 4)) * 4;
}

interface RangeSpec {
  coreRequests?: [number, number];
  extRequests?: [major: number, minor: number];
  deviceEvents?: [number, number];
  clientDied?: boolean;
}

/** A RECORD Range (24 bytes). */
function range(spec: RangeSpec): Buffer {
  const r = Buffer.alloc(24);
  if (spec.coreRequests) {
    r[0] = spec.coreRequests[0];
    r[1] = spec.coreRequests[1];
  }
  if (spec.extRequests) {
    r[4] = spec.extRequests[0];
    r[5] = spec.extRequests[0];
    r.writeUInt16LE(spec.extRequests[1], 6);
    r.writeUInt16LE(spec.extRequests[1], 8);
  }
  if (spec.deviceEvents) {
    r[18] = spec.deviceEvents[0];
    r[19] = spec.deviceEvents[1];
  }
  if (spec.clientDied) r[23] = 1;
  return r;
}

function createContext(major: number, context: number, ranges: readonly Buffer[]): Buffer {
  const body = Buffer.alloc(20 + 24 * ranges.length);
  body.writeUInt32LE(context, 0);
  body.writeUInt8(0, 4); // element header: none
  body.writeUInt32LE(1, 8); // one client spec
  body.writeUInt32LE(ranges.length, 12);
  body.writeUInt32LE(RECORD.AllClients, 16);
  ranges.forEach((r, i) => r.copy(body, 20 + 24 * i));
  return extRequest(major, RECORD.CreateContext, body);
}
