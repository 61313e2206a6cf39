import { describe, expect, it } from 'vitest';
import { emailOf, genericBodyOf, subjectOf, webhookBodyOf, type AlertSummary } from './notification-message.ts';

const summary: AlertSummary = {
  id: '01ALERT',
  category: 'self-harm',
  categoryLabel: 'Self-harm',
  severity: 5,
  siteName: 'Northfield',
  roomName: 'Room 12',
  ts: new Date('2026-06-15T08:41:00Z'),
  timezone: 'Europe/London',
  link: 'https://vigil.school.org/triage/01ALERT',
};

describe('notification messages', () => {
  it('have the subject "[Vigil] Severity 5 · Self-harm · Room 12 · 09:41" in the site time zone (BST)', () => {
    expect(subjectOf(summary, 'rule')).toBe('[Vigil] Severity 5 · Self-harm · Room 12 · 09:41');
    expect(subjectOf(summary, 'out-of-hours')).toBe('[Vigil] Out of school hours: Severity 5 · Self-harm · Room 12 · 09:41');
  });

  it('carry the category, severity, site, room, time and link in every channel', () => {
    const email = emailOf(summary, 'rule');
    for (const text of [email.text, email.html, webhookBodyOf('teams', summary, 'rule'), webhookBodyOf('slack', summary, 'rule')]) {
      for (const fact of ['Self-harm', 'Critical', 'Northfield', 'Room 12', summary.link]) expect(text).toContain(fact);
    }
    expect(genericBodyOf(summary, 'unacted')).toEqual({
      type: 'vigil.alert',
      version: 1,
      reason: 'unacted',
      alert: {
        id: '01ALERT',
        category: 'self-harm',
        categoryLabel: 'Self-harm',
        severity: 5,
        severityLabel: 'Critical',
        site: 'Northfield',
        room: 'Room 12',
        ts: '2026-06-15T08:41:00.000Z',
        link: summary.link,
      },
    });
  });

  it('escape names in HTML (a room named with markup stays text)', () => {
    const email = emailOf({ ...summary, roomName: '<img src=x onerror=alert(1)>' }, 'rule');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
