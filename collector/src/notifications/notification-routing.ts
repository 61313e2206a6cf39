import type { NewAlertFacts } from '../alert-feed/alert-feed.ts';
import type { UserRole } from '../db/schema/index.ts';
import { withinSchoolHours, type SchoolHoursRule } from './school-hours.ts';

// Who is told of an alert: pure, so every rule is unit-tested without a database.

export type NotificationReason = 'rule' | 'out-of-hours' | 'unacted';
export type NotificationChannel = 'email' | 'webhook';

export interface Delivery {
  readonly reason: NotificationReason;
  readonly channel: NotificationChannel;
  /** An e-mail address (lower-cased) or a webhook id. */
  readonly target: string;
}

/** A user's rule joined with their account. */
export interface UserRule {
  readonly userId: string;
  readonly role: UserRole;
  /** Null: trust-wide (every site). */
  readonly siteId: string | null;
  readonly disabled: boolean;
  readonly emailEnabled: boolean;
  /** Empty: every category. */
  readonly categories: readonly string[];
  readonly minSeverity: number;
  /** The rule's own address, else the account's; null: nowhere to send. */
  readonly address: string | null;
}

export interface WebhookTarget {
  readonly id: string;
  readonly enabled: boolean;
  readonly minSeverity: number;
}

export interface EscalationRule {
  /** The contact's address (the contact user's e-mail, or the address given). */
  readonly address: string | null;
  readonly outOfHoursMinSeverity: number | null;
  readonly unactedMinSeverity: number | null;
  readonly unactedMinutes: number | null;
}

export interface RoutingConfig {
  readonly rules: readonly UserRule[];
  readonly webhooks: readonly WebhookTarget[];
  readonly escalation: EscalationRule | undefined;
  /** School hours by site id. */
  readonly hours: ReadonlyMap<string, SchoolHoursRule>;
}

/** Roles that triage alerts; only they get alert e-mail (a teacher or viewer never does). */
export const notifiedRoles: readonly UserRole[] = ['technician', 'dsl', 'admin'];

/** Whether this user's rule asks for this alert, on a site they can see. */
export function ruleMatches(rule: UserRule, alert: Pick<NewAlertFacts, 'siteId' | 'category' | 'severity'>): boolean {
  if (rule.disabled || !rule.emailEnabled || rule.address === null || !notifiedRoles.includes(rule.role)) return false;
  if (rule.siteId !== null && rule.siteId !== alert.siteId) return false;
  if (alert.severity < rule.minSeverity) return false;
  return rule.categories.length === 0 || rule.categories.includes(alert.category);
}

/** Everything a new alert sends at once: user rules, webhooks and, outside school hours, the escalation contact. */
export function deliveriesFor(alert: NewAlertFacts, config: RoutingConfig): Delivery[] {
  const out = new Map<string, Delivery>();
  const add = (delivery: Delivery) => out.set(`${delivery.reason}|${delivery.channel}|${delivery.target}`, delivery);
  for (const rule of config.rules) {
    if (ruleMatches(rule, alert) && rule.address !== null) add({ reason: 'rule', channel: 'email', target: rule.address.toLowerCase() });
  }
  for (const webhook of config.webhooks) {
    if (webhook.enabled && alert.severity >= webhook.minSeverity) add({ reason: 'rule', channel: 'webhook', target: webhook.id });
  }
  const escalation = config.escalation;
  if (escalation?.address != null && escalation.outOfHoursMinSeverity !== null && alert.severity >= escalation.outOfHoursMinSeverity) {
    if (!withinSchoolHours(config.hours.get(alert.siteId), new Date(alert.ts)))
      add({ reason: 'out-of-hours', channel: 'email', target: escalation.address.toLowerCase() });
  }
  return [...out.values()];
}

/** The escalation for an alert nobody acted on, if the settings ask for one. */
export function unactedDelivery(escalation: EscalationRule | undefined): Delivery | undefined {
  if (escalation?.address == null || escalation.unactedMinSeverity === null || escalation.unactedMinutes === null) return undefined;
  return { reason: 'unacted', channel: 'email', target: escalation.address.toLowerCase() };
}
