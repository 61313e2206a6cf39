// Self-signed TLS identities for the agent's tests: a collector's real key, an impostor's.
import 'reflect-metadata';
import { createPrivateKey, generateKeyPairSync, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { spkiPin } from '../pinned-tls.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface TestIdentity {
  key: string;
  cert: string;
  pin: string;
}

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A fresh P-256 key with a self-signed certificate naming `names` (default localhost, 127.0.0.1). */
export async function selfSignedIdentity(names: readonly string[] = ['localhost', '127.0.0.1']): Promise<TestIdentity> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', createPrivateKey(key).export({ type: 'pkcs8', format: 'der' }), ecdsa, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), ecdsa, true, ['verify']),
  };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: [{ CN: [names[0] ?? 'localhost'] }],
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.SubjectAlternativeNameExtension(names.map((name) => ({ type: /^[\d.]+$|:/.test(name) ? ('ip' as const) : ('dns' as const), value: name }))),
    ],
  });
  const pem = cert.toString('pem');
  return { key, cert: pem, pin: spkiPin(new X509Certificate(pem)) };
}
