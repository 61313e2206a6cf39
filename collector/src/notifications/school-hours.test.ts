import { describe, expect, it } from 'vitest';
import { clockOf, isKnownTimezone, localClock, minutesOf, withinSchoolHours, type SchoolHoursRule } from './school-hours.ts';

const london: SchoolHoursRule = { timezone: 'Europe/London', weekdays: [1, 2, 3, 4, 5], startMinute: 8 * 60, endMinute: 17 * 60 };

describe('school hours', () => {
  it('are in force on a school day between start (inclusive) and end (exclusive), in the site time zone', () => {
    // Monday 2026-01-12, GMT (UTC+0).
    expect(withinSchoolHours(london, new Date('2026-01-12T07:59:00Z'))).toBe(false);
    expect(withinSchoolHours(london, new Date('2026-01-12T08:00:00Z'))).toBe(true);
    expect(withinSchoolHours(london, new Date('2026-01-12T16:59:00Z'))).toBe(true);
    expect(withinSchoolHours(london, new Date('2026-01-12T17:00:00Z'))).toBe(false);
  });

  it('follow British Summer Time: 08:00 local is 07:00 UTC in June', () => {
    expect(withinSchoolHours(london, new Date('2026-06-15T07:00:00Z'))).toBe(true);
    expect(withinSchoolHours(london, new Date('2026-06-15T06:59:00Z'))).toBe(false);
    expect(withinSchoolHours(london, new Date('2026-06-15T16:00:00Z'))).toBe(false);
  });

  it('switch at the DST change itself (spring forward 29 March 2026, fall back 25 October 2026)', () => {
    // Sunday 29 March 01:00 UTC: clocks go from 01:00 GMT to 02:00 BST.
    expect(localClock(new Date('2026-03-29T00:59:00Z'), 'Europe/London')).toEqual({ weekday: 7, minute: 59 });
    expect(localClock(new Date('2026-03-29T01:00:00Z'), 'Europe/London')).toEqual({ weekday: 7, minute: 120 });
    // Monday after the spring change: 07:30 UTC is 08:30 BST, in hours.
    expect(withinSchoolHours(london, new Date('2026-03-30T07:30:00Z'))).toBe(true);
    // Monday after the autumn change: 07:30 UTC is 07:30 GMT, out of hours.
    expect(withinSchoolHours(london, new Date('2026-10-26T07:30:00Z'))).toBe(false);
    expect(withinSchoolHours(london, new Date('2026-10-26T08:30:00Z'))).toBe(true);
  });

  it('use the site weekday, not the UTC one, across midnight', () => {
    const sydney: SchoolHoursRule = { timezone: 'Australia/Sydney', weekdays: [1], startMinute: 9 * 60, endMinute: 10 * 60 };
    // Sunday 23:30 UTC is Monday 10:30 AEDT (UTC+11) in January: outside 09:00–10:00.
    expect(withinSchoolHours(sydney, new Date('2026-01-11T22:30:00Z'))).toBe(true);
    expect(withinSchoolHours(sydney, new Date('2026-01-11T23:30:00Z'))).toBe(false);
  });

  it('are not in force at weekends, and a site with no hours is always in hours', () => {
    expect(withinSchoolHours(london, new Date('2026-01-17T10:00:00Z'))).toBe(false);
    expect(withinSchoolHours(undefined, new Date('2026-01-17T03:00:00Z'))).toBe(true);
  });

  it('convert HH:MM and know real time zones', () => {
    expect(minutesOf('08:45')).toBe(525);
    expect(clockOf(525)).toBe('08:45');
    expect(isKnownTimezone('Europe/London')).toBe(true);
    expect(isKnownTimezone('Mars/Olympus')).toBe(false);
  });
});
