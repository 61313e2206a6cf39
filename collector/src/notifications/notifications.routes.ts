import {
  createWebhookRequestSchema,
  escalationSettingsSchema,
  myNotificationRuleSchema,
  setSchoolHoursRequestSchema,
  smtpTestRequestSchema,
  updateSmtpSettingsRequestSchema,
  updateWebhookRequestSchema,
  type ChannelStatus,
  type NotificationSettingsResponse,
  type TestSendResponse,
} from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { adminContext } from '../admin/admin-context.ts';
import { assertTrustWide, invalidField } from '../admin/admin-scope.ts';
import { decodeBody } from '../auth/auth.schemas.ts';
import { signedInUser } from '../auth/request-user.ts';
import { users } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import { DeliveryError, sendEmail } from './email-sender.ts';
import { emailOf, webhookBodyOf, type AlertSummary } from './notification-message.ts';
import type { NotificationSettings } from './notification-settings.service.ts';
import { postWebhook } from './webhook-sender.ts';

export interface NotificationRoutesOptions {
  readonly settings: NotificationSettings;
  readonly channels: () => Promise<ChannelStatus[]>;
  readonly consoleUrl: string;
}

function testSummary(consoleUrl: string): AlertSummary {
  return {
    id: 'test',
    category: 'test',
    categoryLabel: 'Test',
    severity: 1,
    siteName: 'Test',
    roomName: 'Test',
    ts: new Date(),
    timezone: 'Europe/London',
    link: `${consoleUrl}/triage`,
  };
}

function testFailed(error: unknown, what: string): never {
  if (error instanceof DeliveryError) throw new AppError('notification-test-failed', 502, `${what}: ${error.message}`);
  throw error;
}

/**
 * The notifications API (access in notifications.access.ts):
 *   GET/PUT /api/notifications/me                   → MyNotificationsResponse (the signed-in user's own rule)
 *   GET /api/notifications/settings                 → NotificationSettingsResponse (admins; no secret in it)
 *   PUT /api/notifications/smtp                     UpdateSmtpSettingsRequest (audited)
 *   POST /api/notifications/smtp/test               {to?} → sends a test e-mail now; 502 `notification-test-failed`
 *   POST /api/notifications/webhooks                CreateWebhookRequest → Webhook (audited)
 *   PUT/DELETE /api/notifications/webhooks/:id      (audited); POST …/:id/test posts a test message now
 *   PUT /api/notifications/school-hours/:siteId     SetSchoolHoursRequest (audited)
 *   PUT /api/notifications/escalation               EscalationSettings (audited)
 * Settings reach every site, so changing them needs a trust-wide admin.
 */
export const notificationRoutes: FastifyPluginAsync<NotificationRoutesOptions> = async (app, { settings, channels, consoleUrl }) => {
  const db = app.database.db;

  const settingsBody = async (): Promise<NotificationSettingsResponse> => {
    const [smtp, webhooks, schoolHours, escalation, channelList] = await Promise.all([
      settings.smtpForAdmin(),
      settings.webhooks(),
      settings.schoolHours(),
      settings.escalation(),
      channels(),
    ]);
    return { smtp, webhooks, schoolHours, escalation, channels: channelList };
  };
  const trustWideAdmin = (request: Parameters<typeof adminContext>[0]) => {
    const context = adminContext(request, db);
    assertTrustWide(context.user, 'Notification settings');
    return context;
  };

  app.get('/api/notifications/me', async (request, reply) => reply.header('cache-control', 'no-store').send(await settings.myRule(signedInUser(request).id)));

  app.put('/api/notifications/me', async (request) => settings.setMyRule(signedInUser(request).id, decodeBody(myNotificationRuleSchema, request.body)));

  app.get('/api/notifications/settings', async (_request, reply) => reply.header('cache-control', 'no-store').send(await settingsBody()));

  app.put('/api/notifications/smtp', async (request) => {
    await settings.updateSmtp(trustWideAdmin(request), decodeBody(updateSmtpSettingsRequestSchema, request.body));
    return settingsBody();
  });

  app.post('/api/notifications/smtp/test', async (request): Promise<TestSendResponse> => {
    const body = decodeBody(smtpTestRequestSchema, request.body ?? {});
    const [me] = await db
      .select({ email: users.email })
      .from(users)
      .where(eq(users.id, signedInUser(request).id));
    const to = body.to ?? me?.email ?? undefined;
    if (to === undefined) throw invalidField('to', 'your account has no e-mail address: enter one to send the test to');
    const smtp = await settings.smtpConfig();
    if (smtp === undefined) throw new AppError('smtp-not-configured', 409, 'Save the SMTP server settings first');
    try {
      const detail = await sendEmail(smtp, to, emailOf(testSummary(consoleUrl), 'test'));
      return { sent: true, detail: `Sent to ${to}: ${detail}` };
    } catch (error) {
      return testFailed(error, 'The test e-mail was not sent');
    }
  });

  app.post('/api/notifications/webhooks', async (request, reply) => {
    const webhook = await settings.createWebhook(trustWideAdmin(request), decodeBody(createWebhookRequestSchema, request.body));
    return reply.status(201).send(webhook);
  });

  app.put<{ Params: { webhookId: string } }>('/api/notifications/webhooks/:webhookId', async (request) =>
    settings.updateWebhook(trustWideAdmin(request), request.params.webhookId, decodeBody(updateWebhookRequestSchema, request.body)),
  );

  app.delete<{ Params: { webhookId: string } }>('/api/notifications/webhooks/:webhookId', async (request, reply) => {
    await settings.deleteWebhook(trustWideAdmin(request), request.params.webhookId);
    return reply.status(204).send();
  });

  app.post<{ Params: { webhookId: string } }>('/api/notifications/webhooks/:webhookId/test', async (request): Promise<TestSendResponse> => {
    trustWideAdmin(request);
    const webhook = await settings.webhookConfig(request.params.webhookId);
    if (webhook === undefined) throw new AppError('webhook-not-found', 404, `No webhook with id "${request.params.webhookId}"`);
    try {
      const detail = await postWebhook(webhook, webhookBodyOf(webhook.kind, testSummary(consoleUrl), 'test'), `test-${Date.now()}`);
      return { sent: true, detail: `${webhook.name} answered ${detail}` };
    } catch (error) {
      return testFailed(error, 'The test message was not delivered');
    }
  });

  app.put<{ Params: { siteId: string } }>('/api/notifications/school-hours/:siteId', async (request) => {
    await settings.setSchoolHours(trustWideAdmin(request), request.params.siteId, decodeBody(setSchoolHoursRequestSchema, request.body));
    return settingsBody();
  });

  app.put('/api/notifications/escalation', async (request) => {
    await settings.setEscalation(trustWideAdmin(request), decodeBody(escalationSettingsSchema, request.body));
    return settingsBody();
  });
};
