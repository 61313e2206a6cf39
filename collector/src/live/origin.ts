import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';

/**
 * Cross-site WebSocket hijacking: a page on another site can open a WebSocket to us and
 * the browser sends its Origin; SameSite cookies are not enough (a sibling sub-domain is
 * "same site"), so the socket accepts only our own origin: the Origin's host equals the
 * Host the request was sent to (over https when the request came over https), or it is
 * exactly PUBLIC_URL's origin (a reverse proxy may rewrite Host). No Origin at all is
 * refused too: every browser sends one on a WebSocket handshake.
 */
export function isOwnOrigin(request: Pick<FastifyRequest, 'headers' | 'protocol'>, publicUrl: string | undefined): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === '' || origin === 'null') return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (publicUrl !== undefined && originOf(publicUrl) === parsed.origin) return true;
  const host = request.headers.host?.toLowerCase();
  if (host === undefined || parsed.host !== normaliseHost(host, parsed.protocol)) return false;
  const overHttps = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
  return parsed.protocol === 'https:' || !overHttps;
}

/** `onRequest` hook for the console socket: 403 `origin-forbidden` before any upgrade. */
export function requireOwnOrigin(publicUrl: string | undefined): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if (!isOwnOrigin(request, publicUrl)) {
      request.log.warn({ origin: request.headers.origin?.slice(0, 200) ?? null }, 'refused a console socket from another origin');
      throw new AppError('origin-forbidden', 403, 'The live view only accepts connections from the console itself');
    }
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The Host header as URL.host spells it (default ports dropped). */
function normaliseHost(host: string, protocol: string): string {
  if (protocol === 'http:' && host.endsWith(':80')) return host.slice(0, -3);
  if (protocol === 'https:' && host.endsWith(':443')) return host.slice(0, -4);
  return host;
}
