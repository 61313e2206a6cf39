// Imported first by main.tsx, before anything that loads zod (through @vigil/shared).
//
// zod probes `new Function("")` when the first object schema is built, to decide
// whether to compile fast parsers. The console's CSP has no 'unsafe-eval', so the probe
// is refused and the browser reports a CSP violation on every page load, even though
// zod swallows the error. `jitless` skips the probe (zod's documented `z.config({jitless:
// true})`); the console has no zod import of its own, so it sets the same global config
// object zod reads at start-up (zod/v4/core: globalThis.__zod_globalConfig).
const holder = globalThis as { __zod_globalConfig?: Record<string, unknown> };
holder.__zod_globalConfig = { ...holder.__zod_globalConfig, jitless: true };

export {};
