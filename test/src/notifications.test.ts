// Notifications that reach a person (issue #14, item 2): real Chromium, the real collector
// process on real PostgreSQL, and the real headless agent under Xvfb typing with xdotool.
// An admin sets up the school's SMTP server (a real `smtp-server` on loopback with
// STARTTLS and AUTH) and a signed generic webhook (a real HTTP server) on the console's
// Notifications page; the DSL turns on their own e-mail; a pupil types a severity-5
// phrase. The e-mail and the signed POST arrive, carry only category, severity, room,
// time and a link — never what was typed or seen — and the latency is printed.
import { genericWebhookBodySchema } from '@vigil/shared/console';
import {
  readableMail,
  startTestSmtpServer,
  startWebhookReceiver,
  verifySignature,
  type TestSmtpServer,
  type TestWebhookReceiver,
} from '@vigil/collector/notifications-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigil/agent/testing';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { ConsoleUsers, expectVisible, shoot } from './support/console-users.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

const windowTitle = 'Private diary notes';
const mailLogin = { username: 'vigil-mailer', password: 'smtp-password-typed-in-the-console' };
const signingSecret = 'e2e-generic-webhook-signing-secret';

let system: WholeSystem;
let users: ConsoleUsers;
let browser: TestBrowser;
let smtp: TestSmtpServer;
let hooks: TestWebhookReceiver;

beforeAll(async () => {
  system = await startWholeSystem(windowTitle);
  users = new ConsoleUsers(system.collector);
  await users.create('admin.notify', 'admin');
  await system.collector.admin(['create-user', '--username', 'dsl.notify', '--role', 'dsl', '--display-name', 'Dee Ess', '--email', 'dsl@school.test'], {
    VIGIL_NEW_PASSWORD: users.password,
  });
  smtp = await startTestSmtpServer(mailLogin);
  // The first POST (the admin's "Send test") fails with 500; everything after succeeds.
  hooks = await startWebhookReceiver((index) => (index === 0 ? 500 : 200));
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.dispose();
  await smtp?.close();
  await hooks?.close();
});

describe('notifications', () => {
  it(
    'an alert typed on a PC reaches the DSL by e-mail and a signed webhook set up in the console, with nothing restricted in either',
    { timeout: 240_000 },
    async () => {
      // The admin sets up e-mail and a webhook on Administration → Notifications.
      const admin = await browser.newPage();
      await users.signIn(admin.page, 'admin.notify');
      await admin.page.goto(`${users.baseUrl}/admin/notifications`);
      const smtpForm = admin.page.getByTestId('smtp-form');
      await expectVisible(smtpForm, 'the SMTP form');
      await smtpForm.getByLabel('SMTP server').fill(smtp.host);
      await smtpForm.getByLabel('Port').fill(String(smtp.port));
      await smtpForm.getByLabel('Encryption').selectOption('starttls');
      await smtpForm.getByLabel('User name (empty: no sign-in)').fill(mailLogin.username);
      await smtpForm.getByLabel('SMTP password').fill(mailLogin.password);
      await smtpForm.getByLabel('From address').fill('vigil@school.test');
      await smtpForm.getByLabel('Trusted CA certificate (optional, PEM)').fill(smtp.caCertificate);
      await smtpForm.getByRole('button', { name: 'Save SMTP settings' }).click();
      await expect.poll(() => admin.page.getByTestId('smtp-status').innerText(), { timeout: 10_000 }).toBe('SMTP settings saved.');
      await expectVisible(smtpForm.getByText('A password is stored (encrypted). Leave empty to keep it.'), 'the stored-password hint');
      expect(await smtpForm.getByLabel('SMTP password').inputValue()).toBe('');

      await smtpForm.getByLabel('Send the test to (empty: your own address)').fill('it@school.test');
      await smtpForm.getByRole('button', { name: 'Send test e-mail' }).click();
      await expect.poll(() => admin.page.getByTestId('smtp-status').innerText(), { timeout: 20_000 }).toMatch(/^Test e-mail sent\./);
      expect(smtp.received.some((mail) => mail.to.includes('it@school.test') && mail.secure && mail.user === mailLogin.username)).toBe(true);

      const webhookForm = admin.page.getByTestId('webhook-form');
      await webhookForm.getByLabel('Webhook name').fill('Safeguarding system');
      await webhookForm.getByLabel('Kind').selectOption('generic');
      await webhookForm.getByLabel('Webhook URL').fill(`${hooks.baseUrl}/vigil`);
      await webhookForm.getByLabel('Signing secret').fill(signingSecret);
      await webhookForm.getByLabel('Post alerts of').selectOption('4');
      await webhookForm.getByRole('button', { name: 'Add webhook' }).click();
      const row = admin.page.locator('[data-testid^="webhook-row-"]', { hasText: 'Safeguarding system' });
      await expectVisible(row, 'the new webhook in the list');
      // The receiver answers the first POST with 500: the page says so plainly, and a second try works.
      await row.getByRole('button', { name: 'Send test Safeguarding system' }).click();
      await expectVisible(
        admin.page
          .getByTestId('webhooks-panel')
          .getByRole('alert')
          .getByText(/The test message was not delivered: HTTP 500/),
        'the failed test explained',
      );
      await row.getByRole('button', { name: 'Send test Safeguarding system' }).click();
      await expect.poll(() => admin.page.getByTestId('webhooks-status').innerText(), { timeout: 10_000 }).toMatch(/Safeguarding system answered HTTP 200/);
      await shoot(admin.page, 'notifications-admin');
      await admin.context.close();

      // The DSL asks for e-mail about alerts of severity 4 and above (their account's address).
      const dsl = await browser.newPage();
      await users.signIn(dsl.page, 'dsl.notify');
      await dsl.page.goto(`${users.baseUrl}/admin/notifications`);
      const mine = dsl.page.getByTestId('my-notifications-form');
      await expectVisible(mine, 'My notifications');
      expect(await dsl.page.getByTestId('smtp-form').count()).toBe(0);
      await mine.getByLabel('E-mail me about new alerts').check();
      await mine.getByLabel('Minimum severity').selectOption('4');
      await mine.getByRole('button', { name: 'Save my notifications' }).click();
      await expect.poll(() => dsl.page.getByTestId('my-notifications-status').innerText(), { timeout: 10_000 }).toMatch(/^Saved\. You will get an e-mail/);
      await dsl.context.close();

      // A pupil types a severity-5 phrase on the PC.
      const typedAt = Date.now();
      await system.typeLine('i just want to kill myself');
      const alert = await waitFor(
        async () =>
          (
            await system.db.pool.query<{ id: string; received_at: Date }>(
              "select id, received_at from alerts where term = 'kill myself' order by ts desc limit 1",
            )
          ).rows[0],
        { timeoutMs: 30_000, intervalMs: 10, message: 'the alert committed' },
      );
      const mail = await waitFor(() => smtp.received.find((one) => one.to.includes('dsl@school.test')), {
        timeoutMs: 30_000,
        intervalMs: 5,
        message: "the DSL's e-mail",
      });
      const post = await waitFor(() => hooks.received.find((one) => one.status === 200 && one.body.includes(alert.id)), {
        timeoutMs: 30_000,
        intervalMs: 5,
        message: 'the webhook POST',
      });

      const ingestedAt = alert.received_at.getTime();
      // The figure the closing note quotes (stdout, so it shows in the test run's output).
      process.stdout.write(
        `notification latency: alert ingest → e-mail received ${mail.receivedAt - ingestedAt} ms, → webhook received ${post.receivedAt - ingestedAt} ms` +
          ` (keystrokes done → e-mail ${mail.receivedAt - typedAt} ms, → webhook ${post.receivedAt - typedAt} ms)\n`,
      );
      expect(mail.receivedAt - ingestedAt).toBeLessThan(5_000);
      expect(post.receivedAt - ingestedAt).toBeLessThan(5_000);

      // The e-mail: over STARTTLS with AUTH, the agreed subject, a link, nothing restricted.
      expect(mail).toMatchObject({ secure: true, user: mailLogin.username, from: 'vigil@school.test' });
      const text = readableMail(mail.raw);
      expect(text).toMatch(/Subject: \[Vigil\] Severity 5 · Self-harm & suicide · ICT Suite · \d\d:\d\d/);
      expect(text).toContain(`/triage/${alert.id}`);
      // The webhook: signed, in the documented shape, nothing restricted.
      const signature = post.headers['x-vigil-signature'];
      expect(verifySignature(signingSecret, typeof signature === 'string' ? signature : undefined, post.body)).toEqual({ ok: true });
      expect(genericWebhookBodySchema.parse(JSON.parse(post.body))).toMatchObject({
        type: 'vigil.alert',
        reason: 'rule',
        alert: { id: alert.id, category: 'self-harm', categoryLabel: 'Self-harm & suicide', severity: 5, severityLabel: 'Critical', room: 'ICT Suite' },
      });
      const device = (await system.db.pool.query<{ hostname: string }>('select hostname from devices limit 1')).rows[0]?.hostname ?? 'no-device';
      const osUser =
        (await system.db.pool.query<{ os_user: string | null }>('select os_user from alerts where id = $1', [alert.id])).rows[0]?.os_user ?? 'no-user';
      const wholeWord = (word: string) => new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i');
      for (const sent of [text, post.body]) {
        for (const secret of ['kill myself', 'just want', windowTitle, mailLogin.password]) expect(sent.toLowerCase()).not.toContain(secret.toLowerCase());
        for (const name of ['xterm', device, osUser]) expect(sent).not.toMatch(wholeWord(name));
      }

      // /health has the notifications check and no channel is failing.
      const health = (await (await fetch(`${users.baseUrl}/health`)).json()) as { checks?: Record<string, { status: string; detail?: string }> };
      expect(health.checks?.notifications?.status).toBe('ok');
    },
  );
});
