// Messages from key-hook.child.ts to its parent over the fork IPC channel. Keycodes and modifier flags only:
// the child never sees characters and never writes anything anywhere else.
//
// Checked by hand, not with zod: this module is part of the session helper, which must stay a
// small process (issue #13's memory budget), and its only peer is the agent's own child.

export interface HookKeyEvent {
  type: 'key';
  /** Key-up events are sent only for keys whose release matters (AltGr). */
  down: boolean;
  /** uiohook virtual keycode (on Linux, for the main block, X keycode - 8). */
  code: number;
  shift: boolean;
  ctrl: boolean;
  alt: boolean;
  meta: boolean;
}

export type HookMessage = { type: 'ready' } | HookKeyEvent | { type: 'click'; button: number };

const isRecord = (raw: unknown): raw is Record<string, unknown> => typeof raw === 'object' && raw !== null && !Array.isArray(raw);
const FLAGS = ['down', 'shift', 'ctrl', 'alt', 'meta'] as const;

/** The message, or undefined for anything that is not one of the three shapes. */
export function decodeHookMessage(raw: unknown): HookMessage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'click':
      return Number.isSafeInteger(raw.button) ? { type: 'click', button: raw.button as number } : undefined;
    case 'key': {
      const code = raw.code;
      if (typeof code !== 'number' || !Number.isSafeInteger(code) || code < 0) return undefined;
      if (!FLAGS.every((flag) => typeof raw[flag] === 'boolean')) return undefined;
      return {
        type: 'key',
        code,
        down: raw.down as boolean,
        shift: raw.shift as boolean,
        ctrl: raw.ctrl as boolean,
        alt: raw.alt as boolean,
        meta: raw.meta as boolean,
      };
    }
    default:
      return undefined;
  }
}
