import { closeCodes } from '@vigil/shared/protocol';
import { backoffCeiling } from './outbox/index.ts';

export interface ReconnectSettings {
  baseMs: number;
  capMs: number;
  /** Wait after the collector refused who we are: long, so a classroom of misconfigured PCs cannot hammer it. */
  refusedMs: number;
}

export type CloseVerdict = { kind: 'retry'; delayMs: number } | { kind: 'refused'; delayMs: number; why: string };

/**
 * "Equal jitter": half the exponential ceiling fixed, half random. Agents that lost the
 * collector together spread out, and none retries at once in a tight loop.
 */
export function reconnectDelay(attempt: number, settings: ReconnectSettings, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(attempt, { baseMs: settings.baseMs, capMs: settings.capMs });
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(1, Math.max(0, random())));
}

/** What a close code means for the next attempt. */
export function judgeClose(code: number, enrolling: boolean, attempt: number, settings: ReconnectSettings, random?: () => number): CloseVerdict {
  switch (code) {
    case closeCodes.unauthenticated:
      return {
        kind: 'refused',
        delayMs: settings.refusedMs,
        why: enrolling
          ? 'the collector refused the enrolment token (expired, used up, revoked or mistyped): ask IT for a new one'
          : "the collector refused this device's stored credentials (device retired or re-enrolled?): delete device.json and restart with a new --enrol-token",
      };
    case closeCodes.forbidden:
      return { kind: 'refused', delayMs: settings.refusedMs, why: 'the collector does not allow this device to connect' };
    case closeCodes.unsupportedVersion:
      return { kind: 'refused', delayMs: settings.refusedMs, why: 'the collector does not speak this agent\'s protocol version: update the agent' };
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
