// The self-issued TLS identity under DATA_DIR/tls: a CA (ca.key, ca.crt) and the server's key
// and certificate (server.key, server.crt), made on first start and reused after. The server
// KEY is what agents pin, so it is never replaced here: a certificate that lacks a wanted
// name, is close to expiry, or belongs to another key or CA is re-issued for the same key.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import type { Logger } from '../logging/logger.ts';
import { issueCaCertificate, issueServerCertificate, newPrivateKeyPem } from './certificate-issuer.ts';
import { TlsSetupError, errorText } from './tls-error.ts';

export const tlsFiles = (dataDir: string) => {
  const dir = join(dataDir, 'tls');
  return {
    dir,
    caKey: join(dir, 'ca.key'),
    caCert: join(dir, 'ca.crt'),
    serverKey: join(dir, 'server.key'),
    serverCert: join(dir, 'server.crt'),
    /** A key to rotate to: announced to agents as the next pin while it lies here (README: rotation). */
    nextKey: join(dir, 'next.key'),
  };
};

const RENEW_BEFORE_MS = 30 * 86_400_000;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Write to a temporary file and rename: a crash or a second process never sees half a key. Keys 0600. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, data, { mode });
  await chmod(temp, mode);
  await rename(temp, path);
}

/** Why this certificate must be re-issued, or undefined when it is fine as it is. */
export function reissueReason(certPem: string, keyPem: string, caCertPem: string, names: readonly string[], now: number): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return 'unreadable';
  }
  if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return 'not for server.key';
  const ca = new X509Certificate(caCertPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'not issued by ca.crt';
  if (Date.parse(cert.validTo) - now < RENEW_BEFORE_MS) return 'expires within 30 days';
  const missing = names.filter((name) => (isIP(name) === 0 ? cert.checkHost(name) === undefined : cert.checkIP(name) === undefined));
  return missing.length > 0 ? `does not name ${missing.join(', ')}` : undefined;
}

/** First start: the whole folder is made aside and renamed into place, so two processes starting at once agree on one key. */
async function createStore(dir: string, names: readonly string[], log: Logger): Promise<void> {
  const temp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(temp, { recursive: true, mode: 0o700 });
  try {
    const caKey = newPrivateKeyPem();
    const caCert = await issueCaCertificate(caKey, `Vigil collector CA (${names.find((n) => isIP(n) === 0 && n !== 'localhost') ?? 'local'})`);
    const serverKey = newPrivateKeyPem();
    const serverCert = await issueServerCertificate({ caKeyPem: caKey, caCertPem: caCert, serverKeyPem: serverKey, names });
    await writeFile(join(temp, 'ca.key'), caKey, { mode: 0o600 });
    await writeFile(join(temp, 'ca.crt'), caCert, { mode: 0o644 });
    await writeFile(join(temp, 'server.key'), serverKey, { mode: 0o600 });
    await writeFile(join(temp, 'server.crt'), serverCert, { mode: 0o644 });
    try {
      await rename(temp, dir);
      log.info({ dir }, 'issued a CA and a server certificate for this collector (first start)');
    } catch (error) {
      // Another process (the CLI, a second collector) made it first: use theirs.
      if (!(await exists(join(dir, 'server.key')))) throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

export interface StoredIdentity {
  readonly keyPem: string;
  readonly certPem: string;
  readonly caCertFile: string;
}

/** Loads DATA_DIR/tls, making or repairing what is missing. Throws TlsSetupError naming the file. */
export async function loadSelfIssued(dataDir: string, names: readonly string[], log: Logger, now = Date.now()): Promise<StoredIdentity> {
  const files = tlsFiles(dataDir);
  try {
    await mkdir(dirname(files.dir), { recursive: true });
    if (!(await exists(files.dir))) await createStore(files.dir, names, log);
    if (!(await exists(files.caKey)) || !(await exists(files.caCert))) {
      // Agents pin the server key, not the CA: a new CA costs them nothing.
      const caKey = newPrivateKeyPem();
      await writeAtomic(files.caKey, caKey, 0o600);
      await writeAtomic(files.caCert, await issueCaCertificate(caKey, 'Vigil collector CA'), 0o644);
      log.warn({ file: files.caCert }, 'made a new collector CA (ca.key or ca.crt was missing): browsers that trusted the old one must be given ca.crt again');
    }
    if (!(await exists(files.serverKey))) {
      await writeAtomic(files.serverKey, newPrivateKeyPem(), 0o600);
      await rm(files.serverCert, { force: true });
      log.error(
        { file: files.serverKey },
        'server.key was missing: made a new key. Agents pinned to the old key refuse this collector until re-enrolled (see README: Agent TLS and pinning)',
      );
    }
  } catch (error) {
    if (error instanceof TlsSetupError) throw error;
    throw new TlsSetupError(
      'tls-store-failed',
      `cannot create the collector's TLS files in ${files.dir}: ${errorText(error)} (set TLS_CERT_FILE/TLS_KEY_FILE, or TLS=off)`,
      { cause: error },
    );
  }
  const read = async (path: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw new TlsSetupError('tls-file-unreadable', `cannot read ${path}: ${errorText(error)}`, { cause: error });
    }
  };
  const [caKey, caCert, keyPem] = await Promise.all([read(files.caKey), read(files.caCert), read(files.serverKey)]);
  try {
    createPrivateKey(keyPem);
  } catch (error) {
    throw new TlsSetupError('tls-key-invalid', `${files.serverKey} is not a PEM private key: ${errorText(error)}`, { cause: error });
  }
  let certPem = (await exists(files.serverCert)) ? await read(files.serverCert) : '';
  const reason = certPem === '' ? 'missing' : reissueReason(certPem, keyPem, caCert, names, now);
  if (reason !== undefined) {
    certPem = await issueServerCertificate({ caKeyPem: caKey, caCertPem: caCert, serverKeyPem: keyPem, names });
    await writeAtomic(files.serverCert, certPem, 0o644);
    log.info({ reason, names }, 're-issued the server certificate for the same key (agents keep their pin)');
  }
  return { keyPem, certPem, caCertFile: files.caCert };
}
