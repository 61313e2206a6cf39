// What the collector needs to serve TLS — key, certificate chain, its pin and the pins it
// will rotate to — from the operator's files or from its own store (tls-store.ts).
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import type { CollectorConfig } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import type { TlsOn } from '../config/tls-config.ts';
import { TlsSetupError, errorText } from './tls-error.ts';
import { spkiPin } from './tls-pin.ts';
import { loadSelfIssued, tlsFiles } from './tls-store.ts';

export interface TlsMaterial {
  readonly port: number;
  /** PEM private key and certificate (chain) for https.createServer. */
  readonly key: string;
  readonly cert: string;
  /** Pin of the key in use: what enrolment tokens carry. */
  readonly pin: string;
  /** The pin in use, then the pins of keys announced for rotation: what `welcome.tls.pins` carries. */
  readonly pins: readonly string[];
  readonly source: 'operator' | 'self-issued';
  /** Self-issued: the CA certificate to push to browsers (the console over https). */
  readonly caCertFile: string | undefined;
  /** Names the self-issued certificate covers. */
  readonly names: readonly string[];
}

/** PUBLIC_URL's host, HOST when it is one address, this machine's name, localhost, loopback, TLS_HOSTNAMES. */
export function certificateNames(config: Pick<CollectorConfig, 'publicUrl' | 'host'>, tls: Pick<TlsOn, 'hostnames'>, machine = osHostname()): string[] {
  const names: string[] = [];
  if (config.publicUrl !== undefined) names.push(new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, ''));
  if (config.host !== '0.0.0.0' && config.host !== '::') names.push(config.host);
  names.push(machine, 'localhost', '127.0.0.1', '::1', ...tls.hostnames);
  return [...new Set(names.filter((name) => name !== '').map((name) => name.toLowerCase()))];
}

async function readNamed(path: string, variable: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new TlsSetupError('tls-file-unreadable', `${variable}: cannot read ${path}: ${errorText(error)}`, { cause: error });
  }
}

function privateKey(pem: string, variable: string, path: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new TlsSetupError('tls-key-invalid', `${variable} (${path}) is not an unencrypted PEM private key: ${errorText(error)}`, { cause: error });
  }
}

async function operatorIdentity(tls: TlsOn, log: Logger): Promise<{ keyPem: string; certPem: string }> {
  const certFile = tls.certFile ?? '';
  const keyFile = tls.keyFile ?? '';
  const [certPem, keyPem] = await Promise.all([readNamed(certFile, 'TLS_CERT_FILE'), readNamed(keyFile, 'TLS_KEY_FILE')]);
  const key = privateKey(keyPem, 'TLS_KEY_FILE', keyFile);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (error) {
    throw new TlsSetupError('tls-cert-invalid', `TLS_CERT_FILE (${certFile}) is not a PEM certificate: ${errorText(error)}`, { cause: error });
  }
  if (!cert.checkPrivateKey(key)) {
    throw new TlsSetupError(
      'tls-key-mismatch',
      `TLS_KEY_FILE (${keyFile}) is not the key of the certificate in TLS_CERT_FILE (${certFile}); the server certificate must come first in that file`,
    );
  }
  if (Date.parse(cert.validTo) < Date.now())
    log.warn({ validTo: cert.validTo }, 'TLS_CERT_FILE has expired: agents do not mind (they pin the key), browsers do');
  return { keyPem, certPem };
}

/** A pin from a key or certificate file (TLS_NEXT_KEY_FILE, DATA_DIR/tls/next.key, `vigil admin tls-pin --file`). */
export async function pinOfFile(path: string, variable: string): Promise<string> {
  const pem = await readNamed(path, variable);
  if (pem.includes('CERTIFICATE-----')) {
    try {
      return spkiPin(new X509Certificate(pem));
    } catch (error) {
      throw new TlsSetupError('tls-cert-invalid', `${variable} (${path}) is not a PEM certificate: ${errorText(error)}`, { cause: error });
    }
  }
  return spkiPin(privateKey(pem, variable, path));
}

async function nextPins(config: CollectorConfig, tls: TlsOn): Promise<string[]> {
  const pins = [...tls.nextPins];
  if (tls.nextKeyFile !== undefined) pins.push(await pinOfFile(tls.nextKeyFile, 'TLS_NEXT_KEY_FILE'));
  const stored = tlsFiles(config.dataDir).nextKey;
  if (tls.certFile === undefined && (await stat(stored).catch(() => undefined)) !== undefined) pins.push(await pinOfFile(stored, stored));
  return pins;
}

/**
 * The collector's TLS identity, or undefined with `TLS=off`. Called by main.ts at start and by
 * the CLI (a token needs the pin). Throws TlsSetupError with a message naming what to fix.
 */
export async function loadTlsMaterial(config: CollectorConfig, log: Logger): Promise<TlsMaterial | undefined> {
  const tls = config.tls;
  if (tls.mode === 'off') return undefined;
  const names = certificateNames(config, tls);
  const identity = tls.certFile !== undefined ? await operatorIdentity(tls, log) : await loadSelfIssued(config.dataDir, names, log);
  const pin = spkiPin(createPrivateKey(identity.keyPem));
  const pins = [...new Set([pin, ...(await nextPins(config, tls))])];
  return Object.freeze({
    port: tls.port,
    key: identity.keyPem,
    cert: identity.certPem,
    pin,
    pins: Object.freeze(pins),
    source: tls.certFile !== undefined ? 'operator' : 'self-issued',
    caCertFile: 'caCertFile' in identity ? identity.caCertFile : undefined,
    names: Object.freeze(names),
  });
}
