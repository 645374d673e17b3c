import { DateTime } from 'luxon';

/**
 * Local dates and times in a named time zone, with Luxon (which reads the platform's tz data, so
 * British Summer Time and GMT follow the IANA rules). A local date is 'YYYY-MM-DD'.
 */

/** A valid DateTime, or a RangeError naming what could not be read (as Intl and Date would throw). */
function valid(dt: DateTime<true> | DateTime<false>, what: string): DateTime<true> {
  if (!dt.isValid) throw new RangeError(`${what}: ${dt.invalidExplanation ?? dt.invalidReason}`);
  return dt;
}

/** A local date at midnight UTC: for calendar arithmetic only, free of any clock change. */
function calendarDay(date: string): DateTime<true> {
  return valid(DateTime.fromISO(date, { zone: 'utc' }), `Not a date: ${date}`);
}

/** An instant seen in a time zone. */
function inZone(instant: Date, timeZone: string): DateTime<true> {
  return valid(DateTime.fromJSDate(instant, { zone: timeZone }), `Cannot show ${String(instant)} in ${timeZone}`);
}

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return inZone(instant, timeZone).toISODate();
}

/** The local wall-clock time of an instant in a time zone, 24-hour 'HH:mm' ("09:00"). */
export function localTime(instant: Date, timeZone: string): string {
  return inZone(instant, timeZone).toFormat('HH:mm');
}

/**
 * The instant of a local wall-clock time on a local date. Times that do not exist (skipped by the
 * spring clock change) move forward by the gap; times that happen twice (the autumn change, 01:00 to
 * 02:00) take the second, in GMT. Reminders at 09:00 are never in either window.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  // Luxon moves a skipped time forward by the gap, as documented above. For a time that happens
  // twice it starts from the zone's offset at the moment the code runs, so it gives BST in summer and
  // GMT in winter: getPossibleOffsets lists both readings and the later instant is the GMT one.
  const wall = valid(DateTime.fromISO(`${date}T${time}`, { zone: timeZone }), `Not a local time: ${date} ${time} in ${timeZone}`);
  const latest = Math.max(...wall.getPossibleOffsets().map((dt) => dt.toMillis()));
  return new Date(latest);
}

/** The date `days` calendar days after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  return calendarDay(date).plus({ days }).toISODate();
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(calendarDay(to).diff(calendarDay(from), 'days').days);
}

/** One formatter per time zone: building one costs far more than using it, and cards show many times. */
const staffFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as staff in the council read it, in the protocol's time zone: "2 Jul 2027, 09:00". */
export function formatLocalDateTime(iso: string, timeZone: string): string {
  // Stored times end in Z. One without an offset is read as UTC (`new Date` would use the server's zone).
  const instant = valid(DateTime.fromISO(iso, { zone: 'utc' }), `Cannot show ${iso} in ${timeZone}`).toJSDate();
  let format = staffFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
    staffFormats.set(timeZone, format);
  }
  return format.format(instant);
}

/** A local date as people say it: "Friday 2 July 2027". */
export function formatLongDate(date: string, timeZone: string): string {
  return valid(DateTime.fromISO(date, { zone: timeZone, locale: 'en-GB' }), `Not a date: ${date} in ${timeZone}`).toFormat('cccc d LLLL yyyy');
}

/** Which days are working days: not Saturday or Sunday, and not a bank holiday. */
export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;

  constructor(holidays: Iterable<string>) {
    this.holidays = new Set(holidays);
  }

  isWorkingDay(date: string): boolean {
    return calendarDay(date).weekday <= 5 && !this.holidays.has(date); // Luxon: Monday 1 ... Sunday 7
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
    for (let left = n; left > 0;) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) left -= 1;
    }
    return day;
  }
}
