import { describe, expect, it } from 'vitest';
import { auditApiQuery, auditExportHref, auditPagePath, detailText, endOfDayIso, filtersFromSearch, noFilters, startOfDayIso, targetText } from './audit-query.ts';

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
