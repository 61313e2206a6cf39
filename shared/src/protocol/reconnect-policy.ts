import { backoffDelay } from '../backoff/backoff.ts';
import { closeCodes } from './close-codes.ts';

// What an agent (desktop or browser) does after its socket to the collector closed: the one
// reading of the close codes, so both agents back off alike.

export interface ReconnectSettings {
  baseMs: number;
  capMs: number;
  /** Wait after the collector refused who we are: long, so a classroom of misconfigured PCs cannot hammer it. */
  refusedMs: number;
}

export type RefusalReason = 'credentials' | 'forbidden' | 'version';

export type CloseVerdict = { kind: 'retry'; delayMs: number } | { kind: 'refused'; delayMs: number; reason: RefusalReason };

/** How long after losing a live connection retries stay quick. */
export const QUICK_RECONNECT_WINDOW_MS = 120_000;
/** The highest backoff step used inside that window: 4–8 s with the agents' 1 s base. */
export const QUICK_RECONNECT_MAX_ATTEMPT = 3;

/**
 * The attempt number to back off by: for two minutes after a live connection was lost, at most the
 * fourth step. A collector restarted under full load refuses and resets connections for a few seconds;
 * an agent that met that several times must not then wait half a minute for a collector that is back
 * (`pnpm bench restart-storm`). Later — a collector that stays away — the full exponential backoff.
 */
export function backoffAttempt(attempt: number, msSinceLost: number | undefined): number {
  return msSinceLost !== undefined && msSinceLost >= 0 && msSinceLost < QUICK_RECONNECT_WINDOW_MS ? Math.min(attempt, QUICK_RECONNECT_MAX_ATTEMPT) : attempt;
}

/** Equal jitter: agents that lost the collector together spread out, and none retries at once in a tight loop. */
export function reconnectDelay(attempt: number, settings: Pick<ReconnectSettings, 'baseMs' | 'capMs'>, random: () => number = Math.random): number {
  return backoffDelay(attempt, settings, 'equal', random);
}

/**
 * What a close means for the next attempt. `reason` is the close frame's text: a collector
 * before 4503 closed a slow login with 4401 `hello-timeout`, which is the collector being busy,
 * not a refusal of who we are.
 */
export function judgeClose(code: number, reason: string, attempt: number, settings: ReconnectSettings, random?: () => number): CloseVerdict {
  switch (code) {
    case closeCodes.unauthenticated:
      if (reason.startsWith('hello-timeout')) return { kind: 'retry', delayMs: reconnectDelay(attempt, settings, random) };
      return { kind: 'refused', delayMs: settings.refusedMs, reason: 'credentials' };
    case closeCodes.forbidden:
      return { kind: 'refused', delayMs: settings.refusedMs, reason: 'forbidden' };
    case closeCodes.unsupportedVersion:
      return { kind: 'refused', delayMs: settings.refusedMs, reason: 'version' };
    case closeCodes.tryAgainLater: {
      // Busy, not broken. The collector says when (`retry-after=<ms>`: its queue at the rate it admits):
      // come back spread evenly over [hint / 2, 3 × hint / 2], so the crowd it turned away returns at about
      // the rate it can take them, and none waits much longer than it must.
      // Without a hint: briefly and exponentially (0.5–1 s, 1–2 s, … at most half a minute).
      const hint = /retry-after=(\d{1,6})/.exec(reason)?.[1];
      if (hint !== undefined) {
        const ms = Math.min(60_000, Math.max(1_000, Number(hint)));
        const r = random?.() ?? Math.random();
        return { kind: 'retry', delayMs: Math.round(ms / 2 + ms * Math.min(1, Math.max(0, Number.isFinite(r) ? r : 0))) };
      }
      return { kind: 'retry', delayMs: reconnectDelay(attempt, { baseMs: Math.max(1_000, settings.baseMs), capMs: Math.min(30_000, settings.capMs) }, random) };
    }
    case closeCodes.rateLimited:
      // We sent too fast for the collector; give its bucket time to refill.
      return { kind: 'retry', delayMs: Math.max(5_000, reconnectDelay(attempt, settings, random)) };
    case closeCodes.replaced:
      // Another process is using this device's identity; back off so the two do not take turns forever.
      return { kind: 'retry', delayMs: Math.max(30_000, reconnectDelay(attempt, settings, random)) };
    default:
      return { kind: 'retry', delayMs: reconnectDelay(attempt, settings, random) };
  }
}
