import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * The Content-Security-Policy for everything the collector serves, the console's pages
 * included. No inline script anywhere (`script-src 'self'` without 'unsafe-inline'): a
 * window title or typed text that slipped through as HTML still cannot run. Images may
 * be blob:/data: (screenshots arrive as blobs). Spelled out in full (`useDefaults:
 * false`) so nothing loosens it silently; notably no `upgrade-insecure-requests`, which
 * would break plain-HTTP use on localhost.
 *
 * `connect-src` is the page's own origin only: injected script must not be able to send
 * what it reads to another host, over fetch or a WebSocket. CSP Level 3 lets 'self' cover
 * ws:/wss: to the same host and port (Chromium, Firefox, Safari ≥ 15.4), which is all the
 * live view needs; with PUBLIC_URL set its ws(s) form is listed too, for older browsers.
 */
export function contentSecurityPolicy(publicUrl?: string): Readonly<Record<string, readonly string[]>> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'img-src': ["'self'", 'blob:', 'data:'],
    'connect-src': ["'self'", ...socketOrigins(publicUrl)],
  };
}

/** PUBLIC_URL's origin as the console's live socket reaches it: http → ws, https → wss. */
function socketOrigins(publicUrl: string | undefined): string[] {
  if (publicUrl === undefined) return [];
  const url = new URL(publicUrl);
  return [`${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`];
}

export function helmetOptionsFor(publicUrl: string | undefined): FastifyHelmetOptions {
  return {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(contentSecurityPolicy(publicUrl)).map(([name, values]) => [name, [...values]])),
    },
    // The console embeds no cross-origin resources; keep helmet's defaults for the rest
    // (nosniff, frame DENY, no-referrer, HSTS, COOP/CORP same-origin …).
    referrerPolicy: { policy: 'no-referrer' },
    // X-Frame-Options for browsers that predate frame-ancestors; same meaning.
    frameguard: { action: 'deny' },
  };
}
