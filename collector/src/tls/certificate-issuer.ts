// The collector's own small CA: one ECDSA P-256 CA and server certificates it issues for a
// given key. Built on @peculiar/x509 (WebCrypto); keys are made and stored with node:crypto.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type * as X509Module from '@peculiar/x509';

type X509 = typeof X509Module;
let x509Module: Promise<X509> | undefined;

/**
 * @peculiar/x509 (with reflect-metadata and its ASN.1 packages, ~10 MiB) is loaded when a certificate is
 * issued — on the first start and when one is renewed — not held by every collector all day.
 */
function loadX509(): Promise<X509> {
  x509Module ??= (async () => {
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return x509Module;
}

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const dayMs = 86_400_000;
/** Browsers refuse server certificates valid for longer than 398 days; renewed at start from 30 days before. */
export const SERVER_CERT_DAYS = 397;
const CA_DAYS = 20 * 365;

/** A new ECDSA P-256 private key, PKCS#8 PEM. */
export function newPrivateKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

type KeyPair = { privateKey: webcrypto.CryptoKey; publicKey: webcrypto.CryptoKey };

async function importKeys(privateKeyPem: string): Promise<KeyPair> {
  const privateDer = createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const publicDer = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
  const [privateKey, publicKey] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', privateDer, ecdsa, false, ['sign']),
    webcrypto.subtle.importKey('spki', publicDer, ecdsa, true, ['verify']),
  ]);
  return { privateKey, publicKey };
}

/** A positive 128-bit serial: unique enough that no two certificates of this CA collide. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** A self-signed CA certificate for `caKeyPem`. */
export async function issueCaCertificate(caKeyPem: string, commonName: string, now = new Date()): Promise<string> {
  const x509 = await loadX509();
  const keys = await importKeys(caKeyPem);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [commonName] }, { O: ['Vigil'] }],
    notBefore: new Date(now.getTime() - dayMs),
    notAfter: new Date(now.getTime() + CA_DAYS * dayMs),
    keys,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return cert.toString('pem');
}

/** A server certificate for `serverKeyPem`, covering `names` (DNS names and IP addresses), signed by the CA. */
export async function issueServerCertificate(input: {
  caKeyPem: string;
  caCertPem: string;
  serverKeyPem: string;
  names: readonly string[];
  now?: Date;
}): Promise<string> {
  const x509 = await loadX509();
  const now = input.now ?? new Date();
  const ca = new x509.X509Certificate(input.caCertPem);
  const caKeys = await importKeys(input.caKeyPem);
  const serverKeys = await importKeys(input.serverKeyPem);
  const dnsFirst = input.names.find((name) => isIP(name) === 0) ?? input.names[0] ?? 'localhost';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: [{ CN: [dnsFirst] }, { O: ['Vigil collector'] }],
    issuer: ca.subject,
    notBefore: new Date(now.getTime() - dayMs),
    notAfter: new Date(now.getTime() + SERVER_CERT_DAYS * dayMs),
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(input.names.map((name) => ({ type: isIP(name) === 0 ? ('dns' as const) : ('ip' as const), value: name }))),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
    ],
  });
  return cert.toString('pem');
}
