import { eq } from 'drizzle-orm';
import type { Executor } from '../admin/admin-context.ts';
import { escalationSettings, notificationRules, schoolHours, smtpSettings, users, webhooks, type WebhookRow } from '../db/schema/index.ts';
import type { EscalationRule, UserRule } from './notification-routing.ts';
import type { SchoolHoursRule } from './school-hours.ts';

// The notification settings tables (db/schema/notifications.schema.ts). Sealed columns
// are passed through as stored; notification-settings.service.ts seals and opens them.

export type SmtpRow = typeof smtpSettings.$inferSelect;
export type SmtpValues = Omit<typeof smtpSettings.$inferInsert, 'id'>;
export type EscalationRow = typeof escalationSettings.$inferSelect;
export type RuleRow = typeof notificationRules.$inferSelect;

export async function readSmtp(db: Executor): Promise<SmtpRow | undefined> {
  return (await db.select().from(smtpSettings).limit(1))[0];
}

export async function saveSmtp(db: Executor, values: SmtpValues): Promise<void> {
  await db
    .insert(smtpSettings)
    .values({ id: 'default', ...values })
    .onConflictDoUpdate({ target: smtpSettings.id, set: values });
}

export async function listWebhooks(db: Executor): Promise<WebhookRow[]> {
  return db.select().from(webhooks).orderBy(webhooks.createdAt, webhooks.id);
}

export async function findWebhook(db: Executor, id: string): Promise<WebhookRow | undefined> {
  return (await db.select().from(webhooks).where(eq(webhooks.id, id)))[0];
}

export async function insertWebhook(db: Executor, values: typeof webhooks.$inferInsert): Promise<WebhookRow> {
  const [row] = await db.insert(webhooks).values(values).returning();
  if (row === undefined) throw new Error('webhook insert returned nothing');
  return row;
}

export async function updateWebhook(db: Executor, id: string, values: Partial<typeof webhooks.$inferInsert>): Promise<WebhookRow | undefined> {
  return (await db.update(webhooks).set(values).where(eq(webhooks.id, id)).returning())[0];
}

export async function deleteWebhook(db: Executor, id: string): Promise<boolean> {
  return (await db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id })).length > 0;
}

export async function listSchoolHours(db: Executor): Promise<Array<SchoolHoursRule & { siteId: string }>> {
  return db.select().from(schoolHours).orderBy(schoolHours.siteId);
}

export async function saveSchoolHours(db: Executor, siteId: string, rule: SchoolHoursRule): Promise<void> {
  const values = { timezone: rule.timezone, weekdays: [...rule.weekdays], startMinute: rule.startMinute, endMinute: rule.endMinute };
  await db
    .insert(schoolHours)
    .values({ siteId, ...values })
    .onConflictDoUpdate({ target: schoolHours.siteId, set: values });
}

export async function readEscalationRow(db: Executor): Promise<EscalationRow | undefined> {
  return (await db.select().from(escalationSettings).limit(1))[0];
}

export async function saveEscalation(db: Executor, values: Omit<typeof escalationSettings.$inferInsert, 'id'>): Promise<void> {
  await db
    .insert(escalationSettings)
    .values({ id: 'default', ...values })
    .onConflictDoUpdate({ target: escalationSettings.id, set: values });
}

/** The escalation settings with the contact's address resolved (a user's e-mail, or the address given). */
export async function readEscalationRule(db: Executor): Promise<EscalationRule | undefined> {
  const [row] = await db
    .select({ settings: escalationSettings, userEmail: users.email, userDisabled: users.disabled })
    .from(escalationSettings)
    .leftJoin(users, eq(users.id, escalationSettings.contactUserId))
    .limit(1);
  if (row === undefined) return undefined;
  const userAddress = row.userDisabled === true ? null : row.userEmail;
  return {
    address: row.settings.contactEmail ?? userAddress ?? null,
    outOfHoursMinSeverity: row.settings.outOfHoursMinSeverity,
    unactedMinSeverity: row.settings.unactedMinSeverity,
    unactedMinutes: row.settings.unactedMinutes,
  };
}

export async function readRule(db: Executor, userId: string): Promise<RuleRow | undefined> {
  return (await db.select().from(notificationRules).where(eq(notificationRules.userId, userId)))[0];
}

export async function saveRule(db: Executor, userId: string, values: Omit<typeof notificationRules.$inferInsert, 'userId'>): Promise<void> {
  await db
    .insert(notificationRules)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: notificationRules.userId, set: values });
}

/** Every rule that sends e-mail, joined with its user. */
export async function routingRules(db: Executor): Promise<UserRule[]> {
  const rows = await db
    .select({ rule: notificationRules, role: users.role, siteId: users.siteId, disabled: users.disabled, email: users.email })
    .from(notificationRules)
    .innerJoin(users, eq(users.id, notificationRules.userId))
    .where(eq(notificationRules.emailEnabled, true));
  return rows.map(({ rule, role, siteId, disabled, email }) => ({
    userId: rule.userId,
    role,
    siteId,
    disabled,
    emailEnabled: rule.emailEnabled,
    categories: rule.categories,
    minSeverity: rule.minSeverity,
    address: rule.address ?? email,
  }));
}
