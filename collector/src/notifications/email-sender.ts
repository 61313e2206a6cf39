import type { SmtpSecurity } from '@vigil/shared/console';
import type { EmailContent } from './notification-message.ts';

/** The SMTP settings with the password opened (never logged, never answered). */
export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  readonly security: SmtpSecurity;
  readonly username: string | null;
  readonly password: string | null;
  readonly from: string;
  readonly caCertificate: string | null;
}

/** A failed send, with a message safe for /health and the console (no credentials). */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}

function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return 'the SMTP server refused the message';
  const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
  return `${code}${error.message}`.replace(/\s+/g, ' ').slice(0, 300);
}

/** A file sent with a message (the governors' report's PDF). */
export interface EmailAttachment {
  readonly filename: string;
  readonly content: Buffer;
  readonly contentType: string;
}

/**
 * Sends one message through the school's server with nodemailer. `starttls` refuses a
 * server that does not offer STARTTLS (nodemailer `requireTLS`), so the password and the
 * message never cross the network in the clear; `tls` is TLS from the first byte. The
 * server's certificate is always verified (against `caCertificate` when one is given).
 */
export async function sendEmail(config: SmtpConfig, to: string, content: EmailContent, attachments: readonly EmailAttachment[] = []): Promise<string> {
  // Loaded with the first e-mail, not at start-up: a school without SMTP never holds it.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ...(config.username === null ? {} : { auth: { user: config.username, pass: config.password ?? '' } }),
    tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(config.caCertificate === null ? {} : { ca: config.caCertificate }) },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  try {
    const info = await transport.sendMail({
      from: config.from,
      to,
      subject: content.subject,
      text: content.text,
      html: content.html,
      attachments: attachments.map((file) => ({ ...file })),
    });
    return typeof info.response === 'string' ? info.response.slice(0, 200) : 'accepted';
  } catch (error) {
    throw new DeliveryError(describeSmtpError(error), { cause: error });
  } finally {
    transport.close();
  }
}
