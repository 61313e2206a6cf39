// The agent's TLS connection to its collector: opened and checked against the pinned keys
// BEFORE any byte of HTTP or WebSocket goes out. The socket handed to `ws` is already verified,
// so a server with another key never sees the upgrade request, the hello, or the secret.
//
// Trust is the pin alone, not the CA chain: the collector's certificate is usually issued by
// its own CA (or the school's), which this PC need not trust, and the host name in the URL
// need not be in the certificate — a key no one else holds is the identity. Only the LEAF
// certificate's key counts: the chain is not verified, so a CA certificate a server merely
// sends along proves nothing.
import { createHash, type X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';

/** base64url SHA-256 of the key's SubjectPublicKeyInfo (DER): the collector's pin. */
export function spkiPin(cert: X509Certificate): string {
  return createHash('sha256')
    .update(cert.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
}

export type PinnedConnect =
  { ok: true; socket: TLSSocket; pin: string } | { ok: false; code: 'pin-mismatch'; presented: string } | { ok: false; code: 'unreachable'; detail: string };

/**
 * Opens TLS to `url`'s host and port and compares the server's key with `pins`. On a match the
 * open socket is returned (nothing written to it yet); otherwise it is destroyed at once.
 */
export function connectPinned(url: string, pins: readonly string[], timeoutMs = 10_000): Promise<PinnedConnect> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port === '' ? 443 : target.port);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PinnedConnect) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('secureConnect');
      resolve(result);
    };
    const socket = connect({
      host,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      // The pin is checked below instead of the chain and the name (see the top of this file).
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => {
      socket.destroy();
      finish({ ok: false, code: 'unreachable', detail: `no TLS handshake within ${timeoutMs} ms` });
    }, timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerX509Certificate();
      const presented = cert === undefined ? '' : spkiPin(cert);
      if (cert === undefined || !pins.includes(presented)) {
        socket.destroy();
        finish({ ok: false, code: 'pin-mismatch', presented });
        return;
      }
      finish({ ok: true, socket, pin: presented });
    });
    socket.once('error', (err) => {
      socket.destroy();
      finish({ ok: false, code: 'unreachable', detail: err.message });
    });
  });
}
