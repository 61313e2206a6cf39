import { describe, expect, it } from 'vitest';
import {
  actorView,
  auditApiQuery,
  auditExportHref,
  auditPagePath,
  detailText,
  endOfDayIso,
  filtersFromSearch,
  noFilters,
  startOfDayIso,
  targetText,
  targetView,
} from './audit-query.ts';

describe('audit filters', () => {
  it('round-trips through the address', () => {
    const filters = { ...noFilters, action: 'screenshot.reveal', actor: 'dsl', from: '2030-03-01', to: '2030-03-03' };
    const path = auditPagePath(filters);
    expect(path).toBe('/audit?action=screenshot.reveal&actor=dsl&from=2030-03-01&to=2030-03-03');
    expect(filtersFromSearch(new URLSearchParams(path.split('?')[1]))).toEqual(filters);
    expect(auditPagePath(noFilters)).toBe('/audit');
  });

  it('drops dates that are not yyyy-mm-dd', () => {
    expect(filtersFromSearch(new URLSearchParams('from=yesterday&to=2030-13-99x')).from).toBe('');
  });

  it('turns days into whole local days', () => {
    expect(startOfDayIso('2030-03-01')).toBe(new Date(2030, 2, 1).toISOString());
    expect(endOfDayIso('2030-03-03')).toBe(new Date(new Date(2030, 2, 4).getTime() - 1).toISOString());
  });

  it('builds the API query with paging, and the export link without it', () => {
    const filters = { ...noFilters, targetType: 'alert', targetId: '01ABC' };
    expect(auditApiQuery(filters, 500)).toMatchObject({ targetType: 'alert', targetId: '01ABC', before: 500, limit: 100, from: undefined });
    expect(auditExportHref(filters)).toBe('/api/audit/export?targetType=alert&targetId=01ABC');
  });
});

describe('audit row text', () => {
  it('shows target and detail as plain text', () => {
    expect(targetText({ targetType: 'alert', targetId: '01ABC' })).toBe('alert 01ABC');
    expect(targetText({ targetType: null, targetId: null })).toBe('—');
    expect(detailText({ reason: '<b>DSL review</b>', count: 3, ids: ['a'] })).toBe('reason: <b>DSL review</b>; count: 3; ids: ["a"]');
    expect(detailText(null)).toBe('');
  });
});

describe('audit names and links', () => {
  it('shows the target by name with a link, and keeps the id for the tooltip', () => {
    expect(targetView({ targetType: 'alert', targetId: '01ALERT', targetName: 'Self-harm alert' })).toEqual({
      text: 'Self-harm alert',
      kind: null,
      href: '/triage/01ALERT',
      idText: 'alert 01ALERT',
    });
    expect(targetView({ targetType: 'alert', targetId: '01GONE', targetName: null })).toMatchObject({ text: '01GONE', kind: 'Alert', href: '/triage/01GONE' });
    expect(targetView({ targetType: 'room', targetId: 'R1', targetName: 'Room 12 (Hillside)' })).toMatchObject({
      text: 'Room 12 (Hillside)',
      href: '/live/R1',
    });
    expect(targetView({ targetType: 'device', targetId: 'D1', targetName: 'ICT-PC-07' })).toMatchObject({
      text: 'ICT-PC-07',
      kind: 'Computer',
      href: '/audit?targetType=device&targetId=D1',
    });
    expect(targetView({ targetType: 'user', targetId: 'U1', targetName: 'Ms Patel' })).toMatchObject({ text: 'Ms Patel', kind: 'User' });
  });

  it('falls back to the id when the target has no name any more', () => {
    expect(targetView({ targetType: 'device', targetId: 'D9', targetName: null })).toMatchObject({ text: 'D9', kind: 'Computer', idText: 'device D9' });
    expect(targetView({ targetType: 'room', targetId: 'R9' })).toMatchObject({ text: 'R9', href: '/audit?targetType=room&targetId=R9' });
    expect(targetView({ targetType: null, targetId: null, targetName: null })).toMatchObject({ text: '—', href: undefined });
    expect(targetView({ targetType: 'audit', targetId: null })).toMatchObject({ text: 'audit', href: undefined });
  });

  it('shows the actor by display name, the user name beside it, and links to their actions', () => {
    expect(actorView({ actor: 'ms.patel', actorName: 'Ms Patel', actorUserId: 'U1' })).toEqual({
      name: 'Ms Patel',
      username: 'ms.patel',
      href: '/audit?actor=ms.patel',
      title: 'ms.patel · user U1',
    });
    expect(actorView({ actor: 'system', actorName: null, actorUserId: null })).toEqual({
      name: 'system',
      username: undefined,
      href: '/audit?actor=system',
      title: 'system',
    });
  });
});
