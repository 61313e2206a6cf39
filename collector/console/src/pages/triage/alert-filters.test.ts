import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTERS,
  activeFilterCount,
  filterProblems,
  filtersFromSearch,
  filtersToAlertQuery,
  filtersToSearch,
  queueHref,
  type AlertFilters,
} from './alert-filters.ts';

const full: AlertFilters = {
  status: 'escalated',
  category: 'self-harm',
  minSeverity: 4,
  roomId: '01HROOM',
  user: 'j.smith',
  q: 'kill & "myself"',
  from: '2025-03-01',
  to: '2025-03-31',
  assignee: 'me',
};

describe('alert filters in the URL', () => {
  it('round-trips every filter through the URL query', () => {
    const search = filtersToSearch(full);
    expect(filtersFromSearch(new URLSearchParams(search))).toEqual(full);
  });

  it('leaves the default queue with an empty query', () => {
    expect(filtersToSearch(DEFAULT_FILTERS)).toBe('');
    expect(queueHref(DEFAULT_FILTERS)).toBe('/triage');
    expect(filtersFromSearch(new URLSearchParams(''))).toEqual(DEFAULT_FILTERS);
  });

  it('writes short, stable keys that a colleague can read', () => {
    expect(filtersToSearch({ ...DEFAULT_FILTERS, minSeverity: 3, roomId: 'R1', status: 'all' })).toBe('status=all&severity=3&room=R1');
    expect(queueHref({ ...DEFAULT_FILTERS, assignee: 'none' })).toBe('/triage?assignee=none');
  });

  it('escapes free text so it survives the trip', () => {
    const filters = { ...DEFAULT_FILTERS, q: 'a&b=c?#d %' };
    expect(filtersFromSearch(new URLSearchParams(filtersToSearch(filters))).q).toBe('a&b=c?#d %');
  });

  it('drops malformed values back to their defaults', () => {
    const parsed = filtersFromSearch(new URLSearchParams('status=bogus&category=Not_An_Id&severity=9&from=2024-02-31&to=yesterday&assignee=someone'));
    expect(parsed).toEqual(DEFAULT_FILTERS);
  });

  it('accepts every status including open and all', () => {
    for (const status of ['open', 'all', 'new', 'in-review', 'escalated', 'dismissed', 'resolved'] as const) {
      expect(filtersFromSearch(new URLSearchParams(`status=${status}`)).status).toBe(status);
    }
  });

  it('clips over-long free text to what the server accepts', () => {
    expect(filtersFromSearch(new URLSearchParams(`q=${'x'.repeat(500)}`)).q).toHaveLength(200);
  });

  it('counts the filters that differ from the default', () => {
    expect(activeFilterCount(DEFAULT_FILTERS)).toBe(0);
    expect(activeFilterCount(full)).toBe(9);
  });
});

describe('alert filters as an API query', () => {
  it('sends only the filters that are set', () => {
    expect(filtersToAlertQuery(DEFAULT_FILTERS)).toEqual({ status: 'open' });
    expect(filtersToAlertQuery({ ...DEFAULT_FILTERS, q: '  vpn  ', user: ' ' }, { cursor: 'abc', limit: 50 })).toEqual({
      status: 'open',
      q: 'vpn',
      cursor: 'abc',
      limit: 50,
    });
  });

  it('turns a day range into local start and end of day instants', () => {
    const query = filtersToAlertQuery({ ...DEFAULT_FILTERS, from: '2025-03-01', to: '2025-03-02' });
    expect(query.from).toBe(new Date(2025, 2, 1, 0, 0, 0, 0).toISOString());
    expect(query.to).toBe(new Date(2025, 2, 2, 23, 59, 59, 999).toISOString());
  });

  it('maps each filter to its contract name', () => {
    expect(filtersToAlertQuery(full)).toMatchObject({
      status: 'escalated',
      category: 'self-harm',
      severity: 4,
      roomId: '01HROOM',
      user: 'j.smith',
      assignee: 'me',
    });
  });

  it('reports a reversed date range', () => {
    expect(filterProblems({ ...DEFAULT_FILTERS, from: '2025-03-05', to: '2025-03-01' })).toHaveLength(1);
    expect(filterProblems({ ...DEFAULT_FILTERS, from: '2025-03-01', to: '2025-03-01' })).toEqual([]);
  });
});
