// The Clock port of the agent core (agent/src/core/ports.ts), on the browser's timers.
export const browserClock = {
  now: () => Date.now(),
  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const handle = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};
