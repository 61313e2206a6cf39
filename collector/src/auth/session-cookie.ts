// Brings in @fastify/cookie's request.cookies / reply.setCookie types (the plugin is registered in auth.plugin.ts).
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The session cookie: httpOnly (scripts cannot read it), SameSite=Strict (never sent on
 * a request another site starts), path /, no Max-Age (it dies with the browser; the
 * server enforces idle and absolute expiry anyway), and Secure.
 *
 * Secure is dropped in exactly one case, plain-HTTP development on this machine: the
 * request came over http to a loopback host (localhost, 127.x, ::1), no proxy said it
 * was https, and PUBLIC_URL is not https. Everything else (a LAN name, a public name,
 * anything behind a TLS proxy) gets Secure, so a collector reached over plain HTTP from
 * another PC cannot sign anyone in: put it behind HTTPS.
 *
 * With Secure the name carries the `__Host-` prefix, which browsers only accept from a
 * secure origin without a Domain attribute: a sibling sub-domain cannot plant it.
 */
export const secureSessionCookie = '__Host-vigil_session';
export const localSessionCookie = 'vigil_session';

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function sessionCookieIsSecure(request: FastifyRequest, publicUrl: string | undefined): boolean {
  if (publicUrl?.startsWith('https:') === true) return true;
  // Trusted only to ADD Secure: a forged header can make the cookie stricter, never weaker.
  if (request.headers['x-forwarded-proto'] === 'https') return true;
  return !(request.protocol === 'http' && isLoopbackHost(request.hostname));
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, publicUrl: string | undefined): void {
  const secure = sessionCookieIsSecure(request, publicUrl);
  reply.setCookie(secure ? secureSessionCookie : localSessionCookie, token, { httpOnly: true, secure, sameSite: 'strict', path: '/' });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, publicUrl: string | undefined): void {
  const secure = sessionCookieIsSecure(request, publicUrl);
  reply.clearCookie(secure ? secureSessionCookie : localSessionCookie, { httpOnly: true, secure, sameSite: 'strict', path: '/' });
}

/** The session token the browser presented, if any. */
export function presentedSessionToken(request: FastifyRequest): string | undefined {
  const token = request.cookies[secureSessionCookie] ?? request.cookies[localSessionCookie];
  // Our tokens are 43 base64url characters; anything else is not worth a database lookup.
  return token !== undefined && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
}
