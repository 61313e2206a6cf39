import type { GenericWebhookBody, WebhookKind } from '@vigil/shared/console';
import type { NotificationReason } from './notification-routing.ts';

// What a notification says. ONLY the category label, the severity, the site and room,
// the time and a link to the alert in the console: never the term, context, window title,
// app, URL, OS user or device (DESIGN "Restricted categories … in every notification").

export interface AlertSummary {
  readonly id: string;
  readonly category: string;
  readonly categoryLabel: string;
  readonly severity: number;
  readonly siteName: string | null;
  readonly roomName: string | null;
  readonly ts: Date;
  /** The site's time zone (school hours), for the time shown; default Europe/London. */
  readonly timezone: string;
  /** `PUBLIC_URL/triage/<alertId>` */
  readonly link: string;
}

export type MessageReason = NotificationReason | 'test';

const severityLabels: Readonly<Record<number, string>> = { 1: 'Very low', 2: 'Low', 3: 'Medium', 4: 'High', 5: 'Critical' };

export function severityLabel(severity: number): string {
  return severityLabels[severity] ?? `Severity ${severity}`;
}

const reasonLines: Readonly<Record<MessageReason, string | undefined>> = {
  rule: undefined,
  'out-of-hours': 'Out of school hours',
  unacted: 'Not yet acted on',
  test: 'Test message',
};

function clock(summary: AlertSummary): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: summary.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(summary.ts);
}

function dateTime(summary: AlertSummary): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: summary.timezone, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(summary.ts);
}

function place(summary: AlertSummary): string {
  return summary.roomName ?? summary.siteName ?? 'No room';
}

/** `[Vigil] Severity 5 · Self-harm · Room 12 · 09:41`, prefixed for escalations. */
export function subjectOf(summary: AlertSummary, reason: MessageReason): string {
  const prefix = reasonLines[reason];
  return `[Vigil] ${prefix === undefined ? '' : `${prefix}: `}Severity ${summary.severity} · ${summary.categoryLabel} · ${place(summary)} · ${clock(summary)}`;
}

/** The fields every channel shows, in order. */
export function factLines(summary: AlertSummary): Array<[string, string]> {
  return [
    ['Category', summary.categoryLabel],
    ['Severity', `${summary.severity} (${severityLabel(summary.severity)})`],
    ['Site', summary.siteName ?? '—'],
    ['Room', summary.roomName ?? '—'],
    ['Time', `${dateTime(summary)} (${summary.timezone})`],
  ];
}

const htmlEscapes: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function emailOf(summary: AlertSummary, reason: MessageReason): EmailContent {
  const heading = reasonLines[reason] ?? 'New alert';
  const facts = factLines(summary);
  const text = [
    `${heading} in Vigil.`,
    '',
    ...facts.map(([name, value]) => `${name}: ${value}`),
    '',
    `Open it in the console: ${summary.link}`,
    '',
    "The alert's details are only in the console. Do not forward this message outside the safeguarding team.",
  ].join('\n');
  const rows = facts.map(([name, value]) => `<tr><th align="left">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
  const html = `<!doctype html><html><body><p>${escapeHtml(heading)} in Vigil.</p><table>${rows}</table><p><a href="${escapeHtml(summary.link)}">Open the alert in the console</a></p><p>The alert's details are only in the console.</p></body></html>`;
  return { subject: subjectOf(summary, reason), text, html };
}

export function genericBodyOf(summary: AlertSummary, reason: MessageReason): GenericWebhookBody {
  return {
    type: reason === 'test' ? 'vigil.test' : 'vigil.alert',
    version: 1,
    reason,
    alert: {
      id: summary.id,
      category: summary.category,
      categoryLabel: summary.categoryLabel,
      severity: summary.severity,
      severityLabel: severityLabel(summary.severity),
      site: summary.siteName,
      room: summary.roomName,
      ts: summary.ts.toISOString(),
      link: summary.link,
    },
  };
}

/** Microsoft Teams (Workflows "post to a channel when a webhook request is received"): an Adaptive Card. */
export function teamsBodyOf(summary: AlertSummary, reason: MessageReason): unknown {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: subjectOf(summary, reason) },
            { type: 'FactSet', facts: factLines(summary).map(([title, value]) => ({ title, value })) },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open in Vigil', url: summary.link }],
        },
      },
    ],
  };
}

/** Slack incoming webhook: a text fallback and blocks. */
export function slackBodyOf(summary: AlertSummary, reason: MessageReason): unknown {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    text: subjectOf(summary, reason),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: subjectOf(summary, reason).slice(0, 150) } },
      { type: 'section', fields: factLines(summary).map(([name, value]) => ({ type: 'mrkdwn', text: `*${escape(name)}*\n${escape(value)}` })) },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Vigil' }, url: summary.link }] },
    ],
  };
}

export function webhookBodyOf(kind: WebhookKind, summary: AlertSummary, reason: MessageReason): string {
  const body = kind === 'teams' ? teamsBodyOf(summary, reason) : kind === 'slack' ? slackBodyOf(summary, reason) : genericBodyOf(summary, reason);
  return JSON.stringify(body);
}
