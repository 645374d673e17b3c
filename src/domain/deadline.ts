import { addDays, daysBetween, formatLongDate, localDate, zonedInstant } from './calendar.js';

/**
 * The protocol's deadline, worked out once: the end of a local day (2 July, Europe/London) as a UTC
 * instant, the day as people say it, and how many days are left from any moment.
 */
export class Deadline {
  /** The first instant after the deadline day ends. */
  readonly instant: Date;
  /** "Friday 2 July 2027". */
  readonly words: string;

  constructor(
    /** The local deadline day, 'YYYY-MM-DD'. */
    readonly date: string,
    readonly timeZone: string,
  ) {
    this.instant = zonedInstant(addDays(date, 1), '00:00', timeZone);
    this.words = formatLongDate(date, timeZone);
  }

  static of(protocol: { deadline: string; timeZone: string }): Deadline {
    return new Deadline(protocol.deadline, protocol.timeZone);
  }

  /** Calendar days from today (local) to the deadline day: 0 on the day, negative once late. */
  daysLeft(now: Date): number {
    return daysBetween(localDate(now, this.timeZone), this.date);
  }

  hasPassed(now: Date): boolean {
    return now.getTime() >= this.instant.getTime();
  }
}
