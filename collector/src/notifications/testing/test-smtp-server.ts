// A real SMTP server (the `smtp-server` library) on loopback for notification tests:
// STARTTLS with a certificate from the collector's own CA code (tls/certificate-issuer.ts),
// AUTH required and refused before STARTTLS, and every accepted message kept.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { issueCaCertificate, issueServerCertificate, newPrivateKeyPem } from '../../tls/certificate-issuer.ts';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The whole message as received (headers and MIME body). */
  readonly raw: string;
  /** Date.now() when the DATA command finished. */
  readonly receivedAt: number;
  readonly user: string | undefined;
  /** The session had been upgraded with STARTTLS. */
  readonly secure: boolean;
}

export interface TestSmtpServer {
  readonly host: string;
  readonly port: number;
  /** The CA that signed the server certificate (PEM): give it to the collector's SMTP settings. */
  readonly caCertificate: string;
  readonly received: ReceivedMail[];
  /** Every AUTH attempt (user names), accepted or not. */
  readonly logins: string[];
  /** AUTH attempts refused (wrong password). */
  readonly refusedLogins: string[];
  close(): Promise<void>;
}

/** The body of `PUT /api/notifications/smtp` that points the collector at this server (STARTTLS, AUTH, its CA). */
export function smtpSettingsFor(smtp: TestSmtpServer, credentials: { username: string; password: string }): Record<string, unknown> {
  return {
    host: smtp.host,
    port: smtp.port,
    security: 'starttls',
    username: credentials.username,
    password: credentials.password,
    from: 'vigil@school.test',
    caCertificate: smtp.caCertificate,
  };
}

/** `offerStartTls: false`: a server that never upgrades (and then allows AUTH in the clear), to prove the client refuses it. */
export async function startTestSmtpServer(
  credentials: { username: string; password: string },
  options: { offerStartTls?: boolean } = {},
): Promise<TestSmtpServer> {
  const offerStartTls = options.offerStartTls ?? true;
  const caKey = newPrivateKeyPem();
  const caCertificate = await issueCaCertificate(caKey, 'Vigil test mail CA');
  const key = newPrivateKeyPem();
  const cert = await issueServerCertificate({ caKeyPem: caKey, caCertPem: caCertificate, serverKeyPem: key, names: ['127.0.0.1', 'localhost'] });
  const received: ReceivedMail[] = [];
  const refusedLogins: string[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    secure: false,
    key,
    cert: `${cert}\n${caCertificate}`,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: !offerStartTls,
    disabledCommands: offerStartTls ? [] : ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push(auth.username ?? '');
      if (auth.username === credentials.username && auth.password === credentials.password) return callback(null, { user: auth.username });
      refusedLogins.push(auth.username ?? '');
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port: address.port,
    caCertificate,
    received,
    logins,
    refusedLogins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Quoted-printable (RFC 2045) to bytes: soft line breaks removed, =XX decoded, the rest as UTF-8. */
function quotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  const plain = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < plain.length; i += 1) {
    const hex = plain.slice(i + 1, i + 3);
    if (plain[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(plain[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/**
 * A MIME message made readable for assertions: folded headers unfolded, RFC 2047 encoded
 * words (`=?UTF-8?Q?…?=`) and quoted-printable bodies decoded as UTF-8.
 */
export function readableMail(raw: string): string {
  const unfolded = raw.replace(/\r?\n[ \t]+/g, ' ');
  const headers = unfolded.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=(?:\s+(?==\?))?/g, (_match, _charset: string, encoding: string, data: string) =>
    encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : quotedPrintableBytes(data.replace(/_/g, ' ')).toString('utf8'),
  );
  return quotedPrintableBytes(headers).toString('utf8');
}
