/**
 * Local dates and times in a named time zone, without a date library: the offset of a zone at an
 * instant comes from Intl, so British Summer Time and GMT are handled by the platform's tz data.
 * A local date is 'YYYY-MM-DD'.
 */

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Minutes the zone is ahead of UTC at an instant (60 in BST, 0 in GMT). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant of a local wall-clock time on a local date. Times that do not exist (skipped by the
 * spring clock change) move forward by the gap; times that happen twice (the autumn change, 01:00 to
 * 02:00) take the second, in GMT. Reminders at 09:00 are never in either window.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss = 0] = time.split(':').map(Number) as [number, number, number?];
  const wallAsUtc = Date.UTC(y, m - 1, d, hh, mm, ss);
  // Two passes: the offset at the guessed instant can differ from the offset at the answer.
  let guess = wallAsUtc - offsetMinutes(new Date(wallAsUtc), timeZone) * 60_000;
  guess = wallAsUtc - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}

/** The date `days` calendar days after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Which days are working days: not Saturday or Sunday, and not a bank holiday. */
export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;

  constructor(holidays: Iterable<string>) {
    this.holidays = new Set(holidays);
  }

  isWorkingDay(date: string): boolean {
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(date);
  }

  /** The date itself when it is a working day, else the nearest working day before it. */
  onOrBefore(date: string): string {
    let day = date;
    while (!this.isWorkingDay(day)) day = addDays(day, -1);
    return day;
  }

  /** The `n`th working day after `date` (n >= 1). */
  addWorkingDays(date: string, n: number): string {
    let day = date;
    for (let left = n; left > 0; ) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) left -= 1;
    }
    return day;
  }
}
