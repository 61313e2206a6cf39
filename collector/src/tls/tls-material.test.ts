import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type CollectorConfig } from '../config/config.ts';
import { TlsSetupError } from './tls-error.ts';
import { loadTlsMaterial, pinOfFile } from './tls-material.ts';
import { spkiPin } from './tls-pin.ts';
import { tlsFiles } from './tls-store.ts';

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
const FIXTURE_PIN = 'scsWQ2K6-RXiX2heyW9bICTwmaMR_XMIeKbQwf0lsoI';

const log = pino({ level: 'silent' });
let dataDir: string;

function config(env: Record<string, string> = {}): CollectorConfig {
  const loaded = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vigil-tls-test-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('collector TLS material', () => {
  it('computes the pin as base64url SHA-256 of the SubjectPublicKeyInfo, as openssl does', () => {
    expect(spkiPin(new X509Certificate(FIXTURE_CERT))).toBe(FIXTURE_PIN);
  });

  it('issues its own CA and an ECDSA P-256 server certificate on first start, keys 0600, and reuses them', async () => {
    const first = await loadTlsMaterial(config({ PUBLIC_URL: 'https://vigil.school.lan', TLS_HOSTNAMES: 'collector2.school.lan,10.0.0.5' }), log);
    if (first === undefined) throw new Error('TLS is on by default');
    const files = tlsFiles(dataDir);
    for (const key of [files.caKey, files.serverKey]) expect((await stat(key)).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(first.cert);
    expect(cert.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(cert.checkIssued(new X509Certificate(await readFile(files.caCert, 'utf8')))).toBe(true);
    for (const host of ['vigil.school.lan', 'collector2.school.lan', 'localhost']) expect(cert.checkHost(host)).toBe(host);
    for (const ip of ['127.0.0.1', '::1', '10.0.0.5']) expect(cert.checkIP(ip)).toBeDefined();
    expect(first.pin).toBe(spkiPin(createPrivateKey(first.key)));
    expect(first.pins).toEqual([first.pin]);

    const again = await loadTlsMaterial(config({ PUBLIC_URL: 'https://vigil.school.lan', TLS_HOSTNAMES: 'collector2.school.lan,10.0.0.5' }), log);
    expect(again?.cert).toBe(first.cert);
    expect(again?.pin).toBe(first.pin);
  });

  it('re-issues the certificate for the same key when a name is added, so agents keep their pin', async () => {
    const first = await loadTlsMaterial(config(), log);
    const later = await loadTlsMaterial(config({ TLS_HOSTNAMES: 'new-name.school.lan' }), log);
    expect(later?.pin).toBe(first?.pin);
    expect(later?.cert).not.toBe(first?.cert);
    expect(new X509Certificate(later?.cert ?? '').checkHost('new-name.school.lan')).toBe('new-name.school.lan');
  });

  it('announces the next key for rotation: TLS_NEXT_PIN, TLS_NEXT_KEY_FILE and DATA_DIR/tls/next.key', async () => {
    const first = await loadTlsMaterial(config(), log);
    const files = tlsFiles(dataDir);
    await writeFile(join(dataDir, 'cert.pem'), FIXTURE_CERT);
    const nextKey = createPrivateKey({ key: await readFile(files.caKey, 'utf8') })
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    await writeFile(files.nextKey, nextKey, { mode: 0o600 });
    const other = 'A'.repeat(43);
    const material = await loadTlsMaterial(config({ TLS_NEXT_PIN: other, TLS_NEXT_KEY_FILE: join(dataDir, 'cert.pem') }), log);
    expect(material?.pins).toEqual([first?.pin, other, FIXTURE_PIN, await pinOfFile(files.nextKey, 'next')]);

    // Rotation: the next key becomes the key; the certificate is re-issued for it.
    await rename(files.nextKey, files.serverKey);
    await rm(files.serverCert);
    const rotated = await loadTlsMaterial(config(), log);
    expect(rotated?.pin).toBe(material?.pins[3]);
    expect(new X509Certificate(rotated?.cert ?? '').checkPrivateKey(createPrivateKey(rotated?.key ?? ''))).toBe(true);
  });

  it("serves the operator's certificate and names TLS_KEY_FILE when the key does not belong to it", async () => {
    await loadTlsMaterial(config(), log);
    const files = tlsFiles(dataDir);
    const own = await loadTlsMaterial(config({ TLS_CERT_FILE: files.serverCert, TLS_KEY_FILE: files.serverKey }), log);
    expect(own?.source).toBe('operator');
    const wrongKey = config({ TLS_CERT_FILE: files.serverCert, TLS_KEY_FILE: files.caKey });
    const error = await loadTlsMaterial(wrongKey, log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsSetupError);
    expect(error).toMatchObject({ code: 'tls-key-mismatch', message: expect.stringContaining(`TLS_KEY_FILE (${files.caKey})`) });
    const missing = await loadTlsMaterial(config({ TLS_CERT_FILE: files.serverCert, TLS_KEY_FILE: join(dataDir, 'nope.key') }), log).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'tls-file-unreadable', message: expect.stringContaining('TLS_KEY_FILE') });
  });

  it('validates the TLS variables once, naming each', () => {
    const bad = loadConfig({ TLS: 'maybe', TLS_PORT: '99999', TLS_CERT_FILE: '/x.pem', TLS_NEXT_PIN: 'short', TLS_HOSTNAMES: 'bad host' });
    expect(bad.ok).toBe(false);
    const message = bad.ok ? '' : bad.message;
    for (const name of ['TLS must be on or off', 'TLS_PORT', 'TLS_CERT_FILE and TLS_KEY_FILE', 'TLS_NEXT_PIN', 'TLS_HOSTNAMES'])
      expect(message).toContain(name);
    expect(loadConfig({ TLS: 'off' })).toMatchObject({ ok: true, config: { tls: { mode: 'off' } } });
    expect(loadConfig({ PORT: '8443' }).ok).toBe(false);
  });
});
