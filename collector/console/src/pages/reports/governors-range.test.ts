import { describe, expect, it } from 'vitest';
import { governorsDownloadUrl, governorsQuery, presetRange, recipientList } from './governors-range.ts';

describe('governors report presets', () => {
  it('finds this term, last term and the school year in each term', () => {
    const autumn = new Date(2030, 10, 15, 9, 0);
    expect(presetRange('this-term', autumn)).toEqual({ from: '2030-09-01', to: '2030-11-15' });
    expect(presetRange('last-term', autumn)).toEqual({ from: '2030-04-01', to: '2030-08-31' });
    expect(presetRange('this-year', autumn)).toEqual({ from: '2030-09-01', to: '2030-11-15' });

    const spring = new Date(2031, 1, 3);
    expect(presetRange('this-term', spring)).toEqual({ from: '2031-01-01', to: '2031-02-03' });
    expect(presetRange('last-term', spring)).toEqual({ from: '2030-09-01', to: '2030-12-31' });
    expect(presetRange('this-year', spring)).toEqual({ from: '2030-09-01', to: '2031-02-03' });

    const summer = new Date(2031, 5, 30);
    expect(presetRange('last-term', summer)).toEqual({ from: '2031-01-01', to: '2031-03-31' });
  });

  it('asks for whole local days with the last day included', () => {
    expect(governorsQuery({ from: '2031-01-01', to: '2031-01-31' }, 'S1')).toEqual({
      from: new Date(2031, 0, 1).toISOString(),
      to: new Date(2031, 1, 1).toISOString(),
      siteId: 'S1',
    });
    const url = governorsDownloadUrl('pdf', { from: '2031-01-01', to: '2031-01-31' }, undefined);
    expect(url.startsWith('/api/reports/governors.pdf?from=')).toBe(true);
    expect(url).not.toContain('siteId');
  });
});

describe('recipientList', () => {
  it('splits addresses on commas, semicolons and white space', () => {
    expect(recipientList(' chair@gov.test, clerk@gov.test;\nhead@school.test  ')).toEqual(['chair@gov.test', 'clerk@gov.test', 'head@school.test']);
    expect(recipientList(' , ')).toEqual([]);
  });
});
