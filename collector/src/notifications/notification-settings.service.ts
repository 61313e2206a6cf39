import type {
  EscalationSettings,
  MyNotificationRule,
  MyNotificationsResponse,
  SchoolHours,
  SetSchoolHoursRequest,
  SmtpSettings,
  UpdateSmtpSettingsRequest,
  UpdateWebhookRequest,
  Webhook,
  createWebhookRequestSchema,
} from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import type { z } from 'zod';
import { auditChange, type AdminContext } from '../admin/admin-context.ts';
import { invalidField } from '../admin/admin-scope.ts';
import type { SecretBox } from '../auth/secret-box.ts';
import type { Db } from '../db/database.ts';
import { sites, users, type WebhookRow } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import type { SmtpConfig } from './email-sender.ts';
import * as repo from './notification-settings.repository.ts';
import { clockOf, isKnownTimezone, minutesOf } from './school-hours.ts';
import type { WebhookConfig } from './webhook-sender.ts';

// Reads and changes the notification settings: seals secrets on the way in, opens them
// only to send, never answers them. Every admin change is audited `notifications.*`.

const smtpPasswordContext = 'vigil-notifications:smtp-password';
const webhookUrlContext = (id: string) => `vigil-notifications:webhook-url:${id}`;
const webhookSecretContext = (id: string) => `vigil-notifications:webhook-secret:${id}`;

function urlHint(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/…`;
}

export function webhookBody(row: WebhookRow): Webhook {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    urlHint: row.urlHint,
    secretSet: row.secretSealed !== null,
    enabled: row.enabled,
    minSeverity: row.minSeverity,
  };
}

export class NotificationSettings {
  readonly #db: Db;
  readonly #box: SecretBox;

  constructor(deps: { db: Db; secretBox: SecretBox }) {
    this.#db = deps.db;
    this.#box = deps.secretBox;
  }

  async smtpForAdmin(): Promise<SmtpSettings | null> {
    const row = await repo.readSmtp(this.#db);
    if (row === undefined) return null;
    return {
      host: row.host,
      port: row.port,
      security: row.security,
      username: row.username,
      passwordSet: row.passwordSealed !== null,
      from: row.fromAddress,
      caCertificate: row.caCertificate,
    };
  }

  /** The settings to send with (password opened), or undefined when no server is set. */
  async smtpConfig(): Promise<SmtpConfig | undefined> {
    const row = await repo.readSmtp(this.#db);
    if (row === undefined) return undefined;
    const password = row.passwordSealed === null ? null : await this.#box.open(row.passwordSealed, smtpPasswordContext);
    return {
      host: row.host,
      port: row.port,
      security: row.security,
      username: row.username,
      password,
      from: row.fromAddress,
      caCertificate: row.caCertificate,
    };
  }

  async updateSmtp(context: AdminContext, body: UpdateSmtpSettingsRequest): Promise<void> {
    const current = await repo.readSmtp(this.#db);
    const passwordSealed =
      body.password === undefined
        ? (current?.passwordSealed ?? null)
        : body.password === null
          ? null
          : await this.#box.seal(body.password, smtpPasswordContext);
    const username = body.username?.trim() === '' ? null : (body.username?.trim() ?? null);
    await this.#db.transaction(async (tx) => {
      await repo.saveSmtp(tx, {
        host: body.host,
        port: body.port,
        security: body.security,
        username,
        passwordSealed,
        fromAddress: body.from,
        caCertificate: body.caCertificate,
        updatedAt: context.now,
        updatedBy: context.user.id,
      });
      const detail = {
        host: body.host,
        port: body.port,
        security: body.security,
        username,
        passwordChanged: body.password !== undefined,
        caCertificate: body.caCertificate !== null,
      };
      await auditChange(tx, context, { action: 'notifications.smtp', targetType: 'notification-settings', targetId: 'smtp', detail });
    });
  }

  async webhooks(): Promise<Webhook[]> {
    return (await repo.listWebhooks(this.#db)).map(webhookBody);
  }

  /** The webhook to post to (URL and secret opened), or undefined when it was removed. */
  async webhookConfig(id: string): Promise<(WebhookConfig & { enabled: boolean }) | undefined> {
    const row = await repo.findWebhook(this.#db, id);
    if (row === undefined) return undefined;
    const url = await this.#box.open(row.urlSealed, webhookUrlContext(row.id));
    const secret = row.secretSealed === null ? null : await this.#box.open(row.secretSealed, webhookSecretContext(row.id));
    return { name: row.name, kind: row.kind, url, secret, enabled: row.enabled };
  }

  async createWebhook(context: AdminContext, body: z.output<typeof createWebhookRequestSchema>): Promise<Webhook> {
    if (body.kind === 'generic' && (body.secret ?? null) === null)
      throw invalidField('secret', 'a generic webhook needs a signing secret (16 characters or more)');
    const id = ulid();
    const row = await this.#db.transaction(async (tx) => {
      const inserted = await repo.insertWebhook(tx, {
        id,
        name: body.name.trim(),
        kind: body.kind,
        urlSealed: await this.#box.seal(body.url, webhookUrlContext(id)),
        urlHint: urlHint(body.url),
        secretSealed: body.secret == null ? null : await this.#box.seal(body.secret, webhookSecretContext(id)),
        enabled: body.enabled,
        minSeverity: body.minSeverity,
      });
      await auditChange(tx, context, {
        action: 'notifications.webhook.create',
        targetType: 'webhook',
        targetId: id,
        detail: { name: inserted.name, kind: inserted.kind, host: inserted.urlHint },
      });
      return inserted;
    });
    return webhookBody(row);
  }

  async updateWebhook(context: AdminContext, id: string, body: UpdateWebhookRequest): Promise<Webhook> {
    const current = await repo.findWebhook(this.#db, id);
    if (current === undefined) throw new AppError('webhook-not-found', 404, `No webhook with id "${id}"`);
    const secretSealed =
      body.secret === undefined ? current.secretSealed : body.secret === null ? null : await this.#box.seal(body.secret, webhookSecretContext(id));
    if (current.kind === 'generic' && secretSealed === null) throw invalidField('secret', 'a generic webhook needs a signing secret (16 characters or more)');
    const row = await this.#db.transaction(async (tx) => {
      const updated = await repo.updateWebhook(tx, id, {
        name: body.name.trim(),
        enabled: body.enabled,
        minSeverity: body.minSeverity,
        secretSealed,
        ...(body.url === undefined ? {} : { urlSealed: await this.#box.seal(body.url, webhookUrlContext(id)), urlHint: urlHint(body.url) }),
      });
      const detail = {
        name: body.name,
        enabled: body.enabled,
        minSeverity: body.minSeverity,
        urlChanged: body.url !== undefined,
        secretChanged: body.secret !== undefined,
      };
      await auditChange(tx, context, { action: 'notifications.webhook.update', targetType: 'webhook', targetId: id, detail });
      return updated;
    });
    if (row === undefined) throw new AppError('webhook-not-found', 404, `No webhook with id "${id}"`);
    return webhookBody(row);
  }

  async deleteWebhook(context: AdminContext, id: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      if (!(await repo.deleteWebhook(tx, id))) throw new AppError('webhook-not-found', 404, `No webhook with id "${id}"`);
      await auditChange(tx, context, { action: 'notifications.webhook.delete', targetType: 'webhook', targetId: id });
    });
  }

  async schoolHours(): Promise<SchoolHours[]> {
    const rows = await repo.listSchoolHours(this.#db);
    return rows.map((row) => ({
      siteId: row.siteId,
      timezone: row.timezone,
      weekdays: [...row.weekdays].sort(),
      start: clockOf(row.startMinute),
      end: clockOf(row.endMinute),
    }));
  }

  async setSchoolHours(context: AdminContext, siteId: string, body: SetSchoolHoursRequest): Promise<void> {
    if (!isKnownTimezone(body.timezone)) throw invalidField('timezone', `"${body.timezone}" is not a known time zone (e.g. Europe/London)`);
    const startMinute = minutesOf(body.start);
    const endMinute = minutesOf(body.end);
    if (startMinute >= endMinute) throw invalidField('end', 'school hours must end after they start');
    const [site] = await this.#db.select({ id: sites.id }).from(sites).where(eq(sites.id, siteId));
    if (site === undefined) throw new AppError('site-not-found', 404, `No site with id "${siteId}"`);
    await this.#db.transaction(async (tx) => {
      await repo.saveSchoolHours(tx, siteId, { timezone: body.timezone, weekdays: [...new Set(body.weekdays)], startMinute, endMinute });
      await auditChange(tx, context, { action: 'notifications.school-hours', targetType: 'site', targetId: siteId, detail: { ...body } });
    });
  }

  async escalation(): Promise<EscalationSettings> {
    const row = await repo.readEscalationRow(this.#db);
    return {
      contactUserId: row?.contactUserId ?? null,
      contactEmail: row?.contactEmail ?? null,
      outOfHoursMinSeverity: row?.outOfHoursMinSeverity ?? null,
      unactedMinSeverity: row?.unactedMinSeverity ?? null,
      unactedMinutes: row?.unactedMinutes ?? null,
    };
  }

  async setEscalation(context: AdminContext, body: EscalationSettings): Promise<void> {
    if ((body.unactedMinSeverity === null) !== (body.unactedMinutes === null)) {
      throw invalidField('unactedMinutes', 'give both the severity and the minutes for the "not acted on" escalation, or neither');
    }
    const anyThreshold = body.outOfHoursMinSeverity !== null || body.unactedMinSeverity !== null;
    if (anyThreshold && body.contactUserId === null && body.contactEmail === null)
      throw invalidField('contactEmail', 'choose the escalation contact (a user or an address)');
    if (body.contactUserId !== null) {
      const [user] = await this.#db.select({ email: users.email }).from(users).where(eq(users.id, body.contactUserId));
      if (user === undefined) throw invalidField('contactUserId', 'no such user');
      if (user.email === null && body.contactEmail === null)
        throw invalidField('contactUserId', 'that user has no e-mail address; add one on the Users page or give an address');
    }
    await this.#db.transaction(async (tx) => {
      await repo.saveEscalation(tx, { ...body, updatedAt: context.now });
      await auditChange(tx, context, { action: 'notifications.escalation', targetType: 'notification-settings', targetId: 'escalation', detail: { ...body } });
    });
  }

  async myRule(userId: string): Promise<MyNotificationsResponse> {
    const [row, [user]] = await Promise.all([repo.readRule(this.#db, userId), this.#db.select({ email: users.email }).from(users).where(eq(users.id, userId))]);
    return {
      rule: { email: row?.emailEnabled ?? false, categories: row?.categories ?? [], minSeverity: row?.minSeverity ?? 4, address: row?.address ?? null },
      accountEmail: user?.email ?? null,
    };
  }

  async setMyRule(userId: string, rule: MyNotificationRule): Promise<MyNotificationsResponse> {
    const current = await this.myRule(userId);
    if (rule.email && rule.address === null && current.accountEmail === null) {
      throw invalidField('address', 'your account has no e-mail address: enter the address to send to');
    }
    await repo.saveRule(this.#db, userId, {
      emailEnabled: rule.email,
      categories: [...new Set(rule.categories)],
      minSeverity: rule.minSeverity,
      address: rule.address,
      updatedAt: new Date(),
    });
    return this.myRule(userId);
  }
}
