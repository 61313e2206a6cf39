import { describe, expect, it } from 'vitest';
import type { NewAlertFacts } from '../alert-feed/alert-feed.ts';
import { deliveriesFor, ruleMatches, unactedDelivery, type RoutingConfig, type UserRule } from './notification-routing.ts';

const alert: NewAlertFacts = { id: 'A1', deviceId: 'd', siteId: 'north', roomId: 'r', category: 'self-harm', severity: 5, ts: '2026-01-12T10:00:00Z' };
const dsl: UserRule = {
  userId: 'u1',
  role: 'dsl',
  siteId: null,
  disabled: false,
  emailEnabled: true,
  categories: [],
  minSeverity: 4,
  address: 'DSL@School.org',
};
const none: RoutingConfig = { rules: [], webhooks: [], escalation: undefined, hours: new Map() };

describe('notification rules', () => {
  it('match by minimum severity and category (none listed: every category)', () => {
    expect(ruleMatches(dsl, alert)).toBe(true);
    expect(ruleMatches({ ...dsl, minSeverity: 5 }, { ...alert, severity: 4 })).toBe(false);
    expect(ruleMatches({ ...dsl, categories: ['bullying'] }, alert)).toBe(false);
    expect(ruleMatches({ ...dsl, categories: ['bullying', 'self-harm'] }, alert)).toBe(true);
  });

  it('only reach sites the user can see (trust-wide users see all)', () => {
    expect(ruleMatches({ ...dsl, siteId: 'north' }, alert)).toBe(true);
    expect(ruleMatches({ ...dsl, siteId: 'south' }, alert)).toBe(false);
  });

  it('never mail a teacher, a viewer, a disabled account, a rule turned off or a user without an address', () => {
    expect(ruleMatches({ ...dsl, role: 'teacher' }, alert)).toBe(false);
    expect(ruleMatches({ ...dsl, role: 'viewer' }, alert)).toBe(false);
    expect(ruleMatches({ ...dsl, disabled: true }, alert)).toBe(false);
    expect(ruleMatches({ ...dsl, emailEnabled: false }, alert)).toBe(false);
    expect(ruleMatches({ ...dsl, address: null }, alert)).toBe(false);
  });

  it('send one e-mail per address, webhooks at their severity, and nothing when nobody asked', () => {
    expect(deliveriesFor(alert, none)).toEqual([]);
    const config: RoutingConfig = {
      ...none,
      rules: [dsl, { ...dsl, userId: 'u2', address: 'dsl@school.org' }],
      webhooks: [
        { id: 'w-on', enabled: true, minSeverity: 5 },
        { id: 'w-high', enabled: true, minSeverity: 6 },
        { id: 'w-off', enabled: false, minSeverity: 1 },
      ],
    };
    expect(deliveriesFor(alert, config)).toEqual([
      { reason: 'rule', channel: 'email', target: 'dsl@school.org' },
      { reason: 'rule', channel: 'webhook', target: 'w-on' },
    ]);
  });

  it('tell the escalation contact out of school hours only, at or above its severity', () => {
    const hours = new Map([['north', { timezone: 'Europe/London', weekdays: [1, 2, 3, 4, 5], startMinute: 480, endMinute: 1020 }]]);
    const config: RoutingConfig = {
      ...none,
      hours,
      escalation: { address: 'head@school.org', outOfHoursMinSeverity: 4, unactedMinSeverity: null, unactedMinutes: null },
    };
    const escalated = { reason: 'out-of-hours', channel: 'email', target: 'head@school.org' };
    expect(deliveriesFor(alert, config)).toEqual([]); // Monday 10:00: in hours
    expect(deliveriesFor({ ...alert, ts: '2026-01-12T19:00:00Z' }, config)).toEqual([escalated]);
    expect(deliveriesFor({ ...alert, ts: '2026-01-12T19:00:00Z', severity: 3 }, config)).toEqual([]);
    expect(deliveriesFor({ ...alert, siteId: 'no-hours', ts: '2026-01-12T19:00:00Z' }, config)).toEqual([]);
  });

  it('have an unacted escalation only when a contact, a severity and minutes are set', () => {
    expect(unactedDelivery(undefined)).toBeUndefined();
    expect(unactedDelivery({ address: 'head@school.org', outOfHoursMinSeverity: null, unactedMinSeverity: 5, unactedMinutes: null })).toBeUndefined();
    expect(unactedDelivery({ address: null, outOfHoursMinSeverity: null, unactedMinSeverity: 5, unactedMinutes: 10 })).toBeUndefined();
    expect(unactedDelivery({ address: 'Head@school.org', outOfHoursMinSeverity: null, unactedMinSeverity: 5, unactedMinutes: 10 })).toEqual({
      reason: 'unacted',
      channel: 'email',
      target: 'head@school.org',
    });
  });
});
