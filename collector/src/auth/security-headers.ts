import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * The Content-Security-Policy for everything the collector serves, the console's pages
 * included. No inline script anywhere (`script-src 'self'` without 'unsafe-inline'): a
 * window title or typed text that slipped through as HTML still cannot run. Images may
 * be blob:/data: (screenshots arrive as blobs); the live view talks over ws:/wss:.
 * Spelled out in full (`useDefaults: false`) so nothing loosens it silently; notably no
 * `upgrade-insecure-requests`, which would break plain-HTTP use on localhost.
 */
export const contentSecurityPolicy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'blob:', 'data:'],
  'connect-src': ["'self'", 'ws:', 'wss:'],
} as const satisfies Record<string, readonly string[]>;

export const helmetOptions: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: Object.fromEntries(Object.entries(contentSecurityPolicy).map(([name, values]) => [name, [...values]])),
  },
  // The console embeds no cross-origin resources; keep helmet's defaults for the rest
  // (nosniff, frame DENY, no-referrer, HSTS, COOP/CORP same-origin …).
  referrerPolicy: { policy: 'no-referrer' },
  // X-Frame-Options for browsers that predate frame-ancestors; same meaning.
  frameguard: { action: 'deny' },
};
