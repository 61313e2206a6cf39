import { z } from 'zod';
import { textSchema } from '../protocol/primitives.schema.ts';
import { categoryIdSchema, severitySchema } from '../protocol/wordlist.schema.ts';

// Notifications (issue #14): e-mail through the school's SMTP server, signed webhooks
// (Teams, Slack, generic JSON), per-user rules, school hours and an escalation contact.
// Implemented in collector/src/notifications. Secrets (SMTP password, webhook URL and
// signing secret) are write-only: answers say only whether one is stored.

const idSchema = z.string().min(1).max(64);
const isoSchema = z.iso.datetime({ offset: true });
const emailSchema = z.email().max(254);

/** `starttls`: plain connection upgraded with STARTTLS, refused if the server does not offer it (587). `tls`: TLS from the first byte (465). */
export const smtpSecuritySchema = z.enum(['starttls', 'tls']);
export type SmtpSecurity = z.infer<typeof smtpSecuritySchema>;

export const smtpSettingsSchema = z.strictObject({
  host: z.string(),
  port: z.number().int(),
  security: smtpSecuritySchema,
  username: z.string().nullable(),
  passwordSet: z.boolean(),
  from: z.string(),
  /** Extra CA certificate (PEM) trusted for this server, e.g. a school's own relay. */
  caCertificate: z.string().nullable(),
});
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

/** PUT /api/notifications/smtp. `password` absent: keep the stored one; `null`: forget it. */
export const updateSmtpSettingsRequestSchema = z.strictObject({
  host: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address'),
  port: z.number().int().min(1).max(65_535),
  security: smtpSecuritySchema,
  username: textSchema(254).nullable(),
  password: textSchema(500).nullable().optional(),
  from: emailSchema,
  caCertificate: z
    .string()
    .max(20_000)
    .refine((pem) => pem.includes('-----BEGIN CERTIFICATE-----'), 'a PEM certificate (-----BEGIN CERTIFICATE-----)')
    .nullable(),
});
export type UpdateSmtpSettingsRequest = z.infer<typeof updateSmtpSettingsRequestSchema>;

export const webhookKindSchema = z.enum(['teams', 'slack', 'generic']);
export type WebhookKind = z.infer<typeof webhookKindSchema>;

export const webhookSchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  kind: webhookKindSchema,
  /** Scheme and host only: the full URL of a Teams or Slack webhook is itself a credential. */
  urlHint: z.string(),
  secretSet: z.boolean(),
  enabled: z.boolean(),
  /** Alerts of this severity or above are posted. */
  minSeverity: severitySchema,
});
export type Webhook = z.infer<typeof webhookSchema>;

const webhookUrlSchema = z
  .string()
  .trim()
  .max(2_000)
  .refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), 'an http:// or https:// URL');

/** POST /api/notifications/webhooks. A generic webhook needs a signing secret (≥ 16 characters). */
export const createWebhookRequestSchema = z.strictObject({
  name: textSchema(80, 1),
  kind: webhookKindSchema,
  url: webhookUrlSchema,
  secret: textSchema(200, 16).nullable().optional(),
  enabled: z.boolean().default(true),
  minSeverity: severitySchema.default(4),
});
export type CreateWebhookRequest = z.input<typeof createWebhookRequestSchema>;

/** PUT /api/notifications/webhooks/:webhookId. `url` / `secret` absent: keep the stored one. */
export const updateWebhookRequestSchema = z.strictObject({
  name: textSchema(80, 1),
  url: webhookUrlSchema.optional(),
  secret: textSchema(200, 16).nullable().optional(),
  enabled: z.boolean(),
  minSeverity: severitySchema,
});
export type UpdateWebhookRequest = z.infer<typeof updateWebhookRequestSchema>;

const clockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24-hour)');

/** When a site is staffed; outside these hours the escalation contact is told too. */
export const schoolHoursSchema = z.strictObject({
  siteId: idSchema,
  /** IANA time zone, e.g. Europe/London. */
  timezone: z.string().min(1).max(64),
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  weekdays: z.array(z.number().int().min(1).max(7)).max(7),
  start: clockSchema,
  end: clockSchema,
});
export type SchoolHours = z.infer<typeof schoolHoursSchema>;

export const setSchoolHoursRequestSchema = schoolHoursSchema.omit({ siteId: true });
export type SetSchoolHoursRequest = z.infer<typeof setSchoolHoursRequestSchema>;

/**
 * The second contact (a user, or an address), told of alerts of severity ≥
 * `outOfHoursMinSeverity` outside school hours, and of alerts of severity ≥
 * `unactedMinSeverity` still `new` after `unactedMinutes`. Null thresholds: off.
 */
export const escalationSettingsSchema = z.strictObject({
  contactUserId: idSchema.nullable(),
  contactEmail: emailSchema.nullable(),
  outOfHoursMinSeverity: severitySchema.nullable(),
  unactedMinSeverity: severitySchema.nullable(),
  unactedMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .nullable(),
});
export type EscalationSettings = z.infer<typeof escalationSettingsSchema>;

/** A delivery channel's state, as GET /health shows it (no URL, no secret). */
export const channelStatusSchema = z.strictObject({
  channel: z.string(),
  queued: z.number().int(),
  failing: z.boolean(),
  failingSince: isoSchema.nullable(),
  lastError: z.string().nullable(),
  lastSuccessAt: isoSchema.nullable(),
});
export type ChannelStatus = z.infer<typeof channelStatusSchema>;

/** GET /api/notifications/settings (admins). */
export const notificationSettingsResponseSchema = z.strictObject({
  smtp: smtpSettingsSchema.nullable(),
  webhooks: z.array(webhookSchema),
  schoolHours: z.array(schoolHoursSchema),
  escalation: escalationSettingsSchema,
  channels: z.array(channelStatusSchema),
});
export type NotificationSettingsResponse = z.infer<typeof notificationSettingsResponseSchema>;

/** POST /api/notifications/smtp/test: to this address, or the admin's own when absent. */
export const smtpTestRequestSchema = z.strictObject({ to: emailSchema.optional() });
export type SmtpTestRequest = z.infer<typeof smtpTestRequestSchema>;

/** Answer of a test send (e-mail or webhook) that went through. */
export const testSendResponseSchema = z.strictObject({ sent: z.literal(true), detail: z.string() });
export type TestSendResponse = z.infer<typeof testSendResponseSchema>;

/**
 * A user's own rule (GET / PUT /api/notifications/me): e-mail for alerts of these
 * categories (empty: every category) at or above `minSeverity`, on the sites they can
 * see. `address` null: the account's e-mail address.
 */
export const myNotificationRuleSchema = z.strictObject({
  email: z.boolean(),
  categories: z.array(categoryIdSchema).max(100),
  minSeverity: severitySchema,
  address: emailSchema.nullable(),
});
export type MyNotificationRule = z.infer<typeof myNotificationRuleSchema>;

export const myNotificationsResponseSchema = z.strictObject({
  rule: myNotificationRuleSchema,
  /** The account's own e-mail address, if it has one. */
  accountEmail: z.string().nullable(),
});
export type MyNotificationsResponse = z.infer<typeof myNotificationsResponseSchema>;

/**
 * The generic webhook's JSON body (also documented in collector/README.md). Carries no
 * term, context, window title, app, URL, user or device name.
 */
export const genericWebhookBodySchema = z.strictObject({
  type: z.enum(['vigil.alert', 'vigil.test']),
  version: z.literal(1),
  /** `rule`: a new alert; `out-of-hours`: outside school hours; `unacted`: still new after the set minutes. */
  reason: z.enum(['rule', 'out-of-hours', 'unacted', 'test']),
  alert: z.strictObject({
    id: z.string(),
    category: z.string(),
    categoryLabel: z.string(),
    severity: severitySchema,
    severityLabel: z.string(),
    site: z.string().nullable(),
    room: z.string().nullable(),
    ts: isoSchema,
    link: z.string(),
  }),
});
export type GenericWebhookBody = z.infer<typeof genericWebhookBodySchema>;
