// nodemailer against a real SMTP server on loopback: STARTTLS is required, the server's
// certificate is verified, and AUTH happens only inside TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, sendEmail, type SmtpConfig } from './email-sender.ts';
import { readableMail, startTestSmtpServer, type TestSmtpServer } from './testing/index.ts';

const login = { username: 'mailer', password: 'mail-password-123' };
const content = { subject: '[Vigil] Severity 3 · Bullying · ICT 1 · 10:00', text: 'New alert in Vigil.', html: '<p>New alert in Vigil.</p>' };
let secure: TestSmtpServer;
let plain: TestSmtpServer;

const configFor = (server: TestSmtpServer, change: Partial<SmtpConfig> = {}): SmtpConfig => ({
  host: server.host,
  port: server.port,
  security: 'starttls',
  username: login.username,
  password: login.password,
  from: 'vigil@school.test',
  caCertificate: server.caCertificate,
  ...change,
});

beforeAll(async () => {
  secure = await startTestSmtpServer(login);
  plain = await startTestSmtpServer(login, { offerStartTls: false });
});

afterAll(async () => {
  await secure?.close();
  await plain?.close();
});

describe('sending e-mail', () => {
  it('upgrades with STARTTLS, signs in and delivers plain text and HTML', async () => {
    await sendEmail(configFor(secure), 'dsl@school.test', content);
    expect(secure.received).toHaveLength(1);
    expect(secure.received[0]).toMatchObject({ secure: true, user: login.username, to: ['dsl@school.test'], from: 'vigil@school.test' });
    const mail = readableMail(secure.received[0]?.raw ?? '');
    expect(mail).toContain('Subject: [Vigil] Severity 3 · Bullying · ICT 1 · 10:00');
    expect(mail).toContain('Content-Type: text/plain');
    expect(mail).toContain('Content-Type: text/html');
  });

  it('refuses a server that does not offer STARTTLS, before sending the password', async () => {
    await expect(sendEmail(configFor(plain), 'dsl@school.test', content)).rejects.toThrow(DeliveryError);
    expect(plain.logins).toEqual([]);
    expect(plain.received).toEqual([]);
  });

  it('refuses a certificate it cannot verify, and says why on a wrong password without repeating it', async () => {
    const untrusted = sendEmail(configFor(secure, { caCertificate: null }), 'dsl@school.test', content);
    await expect(untrusted).rejects.toThrow(/certificate/i);
    const wrong = sendEmail(configFor(secure, { password: 'not-the-password' }), 'dsl@school.test', content);
    await expect(wrong).rejects.toThrow(/EAUTH/);
    await wrong.catch((error: unknown) => expect(String(error)).not.toContain('not-the-password'));
    expect(secure.received).toHaveLength(1);
  });
});
