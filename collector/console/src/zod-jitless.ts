// Imported first by main.tsx, before @vigil/shared builds its schemas.
//
// zod probes `new Function("")` when it builds the first object schema, to decide whether
// to compile fast parsers. The console's CSP has no 'unsafe-eval', so the probe is refused
// and the browser reports a CSP violation on every page load, even though zod swallows the
// error. `jitless` skips the probe.
import { z } from 'zod';

z.config({ jitless: true });
