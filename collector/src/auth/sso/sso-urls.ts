import type { FastifyRequest } from 'fastify';

export const callbackPath = '/auth/oidc/callback';

/** What to register at the provider: PUBLIC_URL, else the origin this request came to. */
export function redirectUriFor(request: FastifyRequest, publicUrl: string | undefined): string {
  return `${publicUrl ?? `${request.protocol}://${request.host}`}${callbackPath}`;
}

/** A console path to return to: local, no scheme-relative `//` tricks, bounded. */
export function safeNext(raw: unknown): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (typeof raw !== 'string' || raw.length > 500 || !raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f]/.test(raw)) return undefined;
  return raw.startsWith('/signin') || raw.startsWith('/setup') ? undefined : raw;
}
