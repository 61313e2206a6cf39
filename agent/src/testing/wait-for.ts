import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what was awaited, for the timeout error; the condition's source text when absent. */
  message?: string;
}

/**
 * Polls `cond` until it returns a truthy value and resolves with that value.
 * A thrown error counts as "not yet"; the last one is quoted if the wait times out.
 */
export async function waitFor<T>(cond: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await cond();
      if (value) return value as Exclude<T, false | 0 | '' | null | undefined>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = opts.message ?? sourceOf(cond);
      const why = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await delay(intervalMs);
  }
}

/** `() => outbox.stats().pending === 0` names what a wait was for well enough. */
function sourceOf(cond: () => unknown): string {
  const source = String(cond).replace(/\s+/g, ' ');
  return source.length > 200 ? `${source.slice(0, 199)}…` : source;
}
