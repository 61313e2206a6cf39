import { X509Certificate } from 'node:crypto';
import { createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPinned, spkiPin } from './pinned-tls.ts';
import { selfSignedIdentity } from './test-kit/test-certificates.ts';

// Made with openssl; its pin by `openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER
// | openssl dgst -sha256 -binary | base64` (base64url, no padding).
const FIXTURE_CERT = `-----BEGIN CERTIFICATE-----
MIIBjjCCATOgAwIBAgIUYEH6Qt+i6AMds951cxJYmEr6xUowCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQcGluLWZpeHR1cmUudGVzdDAgFw0yNjEyMDcwMzQ0MTBaGA8y
MTI2MTExMzAzNDQxMFowGzEZMBcGA1UEAwwQcGluLWZpeHR1cmUudGVzdDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABKTACf84ZYZHiLmEPtrAFmfeC7uu0FAULtvQ
0NxNrxYqLPVkxdI1N4kZtlQfO4xF9dy/Lkq2d59XyvfWWN+COFOjUzBRMB0GA1Ud
DgQWBBQ3Z97Sbs9p0dk7SKidoozsFACsszAfBgNVHSMEGDAWgBQ3Z97Sbs9p0dk7
SKidoozsFACsszAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDx
4IDlTiXcIcE6QIqPP8mEliC+VKT2as13N0Z0bP5nfwIhAJKWJBeJAfGLd/0QiqQ+
CRts4I91zTGBOGEAk6PQ7CvH
-----END CERTIFICATE-----
`;

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

/** A TLS server that records every application byte a client sends it. */
async function recordingServer(identity: { key: string; cert: string }) {
  const received: Buffer[] = [];
  let connections = 0;
  const sockets: TLSSocket[] = [];
  const server = createServer({ key: identity.key, cert: identity.cert }, (socket) => {
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {});
  });
  server.on('connection', () => connections++);
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return { url: `wss://127.0.0.1:${(server.address() as AddressInfo).port}/agent/v1`, received, connections: () => connections };
}

describe('connectPinned', () => {
  it('computes the pin as base64url SHA-256 of the SubjectPublicKeyInfo, as openssl does', () => {
    expect(spkiPin(new X509Certificate(FIXTURE_CERT))).toBe('scsWQ2K6-RXiX2heyW9bICTwmaMR_XMIeKbQwf0lsoI');
  });

  it('accepts the pinned key despite a self-issued certificate and another host name, having sent nothing', async () => {
    const identity = await selfSignedIdentity(['collector.elsewhere.test']);
    const server = await recordingServer(identity);
    const result = await connectPinned(server.url, ['x'.repeat(43), identity.pin]);
    expect(result).toMatchObject({ ok: true, pin: identity.pin });
    if (result.ok) result.socket.destroy();
    expect(Buffer.concat(server.received).length).toBe(0);
  });

  it('refuses any other key right after the handshake: not one application byte reaches the server', async () => {
    const real = await selfSignedIdentity();
    const impostor = await selfSignedIdentity();
    const server = await recordingServer(impostor);
    const result = await connectPinned(server.url, [real.pin]);
    expect(result).toEqual({ ok: false, code: 'pin-mismatch', presented: impostor.pin });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.connections()).toBe(1);
    expect(Buffer.concat(server.received).length).toBe(0);
  });

  it('reports a collector that is not there as unreachable', async () => {
    expect(await connectPinned('wss://127.0.0.1:9/agent/v1', ['x'.repeat(43)], 2_000)).toMatchObject({ ok: false, code: 'unreachable' });
  });
});
