/** When a site is staffed, in its own time zone (school_hours row, minutes after local midnight). */
export interface SchoolHoursRule {
  readonly timezone: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  readonly weekdays: readonly number[];
  readonly startMinute: number;
  readonly endMinute: number;
}

const isoWeekday: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Whether `timezone` is an IANA zone this runtime knows (Intl throws RangeError otherwise). */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timezone` at `instant`: ISO weekday and minutes after midnight (DST applied by Intl). */
export function localClock(instant: Date, timezone: string): { weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
    instant,
  );
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return { weekday: isoWeekday[get('weekday')] ?? 0, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** In hours: on a listed weekday, start ≤ local time < end. No rule: always in hours (nobody asked for out-of-hours escalation). */
export function withinSchoolHours(rule: SchoolHoursRule | undefined, instant: Date): boolean {
  if (rule === undefined) return true;
  const { weekday, minute } = localClock(instant, rule.timezone);
  return rule.weekdays.includes(weekday) && minute >= rule.startMinute && minute < rule.endMinute;
}

/** `HH:MM` ↔ minutes after midnight. */
export function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

export function clockOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
