import { describe, expect, it } from 'vitest';
import { barPercent, dayString, defaultReportRange, formatDay, rangeFromSearch, reportQuery } from './report-range.ts';

describe('report range', () => {
  const now = new Date(2030, 2, 31, 15, 0);

  it('defaults to the 30 days up to today', () => {
    expect(defaultReportRange(now)).toEqual({ from: '2030-03-02', to: '2030-03-31' });
  });

  it('reads the address and puts the days in order', () => {
    expect(rangeFromSearch(new URLSearchParams('from=2030-02-10&to=2030-01-01'), now)).toEqual({ from: '2030-01-01', to: '2030-02-10' });
    expect(rangeFromSearch(new URLSearchParams('from=nonsense'), now)).toEqual({ from: '2030-03-02', to: '2030-03-31' });
  });

  it('asks the API for whole local days', () => {
    expect(reportQuery({ from: '2030-03-01', to: '2030-03-01' })).toEqual({
      from: new Date(2030, 2, 1).toISOString(),
      to: new Date(new Date(2030, 2, 2).getTime() - 1).toISOString(),
    });
  });

  it('formats days', () => {
    expect(dayString(new Date(2030, 0, 5))).toBe('2030-01-05');
    expect(formatDay('2030-01-07')).toBe('Mon 7 Jan');
  });
});

describe('barPercent', () => {
  it('scales to the largest and keeps a sliver for small counts', () => {
    expect(barPercent(50, 100)).toBe(50);
    expect(barPercent(100, 100)).toBe(100);
    expect(barPercent(1, 1000)).toBe(2);
    expect(barPercent(0, 10)).toBe(0);
    expect(barPercent(0, 0)).toBe(0);
  });
});
