import { DateTime } from 'luxon';
import { localDate } from './calendar.js';

/**
 * The periods figures are asked for: a financial year (1 April to 31 March), a quarter of one
 * (April to June is Q1, January to March Q4), or any range of dates. Dates are local calendar
 * dates ('YYYY-MM-DD') in the protocol's time zone, both ends included.
 */
export interface Period {
  from: string;
  to: string;
  /** How the card and the CSV name it: "financial year 2027-28 (1 April 2027 to 31 March 2028)". */
  label: string;
  /** What the card's period choice (and the export button) carries: 'fy:2027', 'q:2027:1' or 'range:2018-04-01:2027-05-12'. */
  code: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Nothing is counted before this: a typo in a year ("0218") is refused rather than scanned for. */
export const EARLIEST_FIGURES_DATE = '2000-01-01';

const day = (date: string) => DateTime.fromISO(date, { zone: 'utc', locale: 'en-GB' });
const pad = (n: number) => String(n).padStart(2, '0');

/** A local date as people write it: "1 April 2027". */
export function formatDay(date: string): string {
  return day(date).toFormat('d LLLL yyyy');
}

/** True for a real calendar date written as YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  return DATE.test(value) && day(value).isValid;
}

/** The financial year a date falls in, named by the year it starts: 2027 for 1 April 2027 to 31 March 2028. */
export function financialYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 4 ? year : year - 1;
}

/** "2027-28". */
export function financialYearName(startYear: number): string {
  return `${startYear}-${pad((startYear + 1) % 100)}`;
}

export function financialYearPeriod(startYear: number): Period {
  const from = `${startYear}-04-01`;
  const to = `${startYear + 1}-03-31`;
  return { from, to, label: `financial year ${financialYearName(startYear)} (${formatDay(from)} to ${formatDay(to)})`, code: `fy:${startYear}` };
}

/** The quarter of its financial year a date falls in: 1 for April to June ... 4 for January to March. */
export function quarterOf(date: string): { year: number; quarter: 1 | 2 | 3 | 4 } {
  const month = Number(date.slice(5, 7));
  return { year: financialYearOf(date), quarter: (Math.floor(((month + 8) % 12) / 3) + 1) as 1 | 2 | 3 | 4 };
}

export function quarterPeriod(startYear: number, quarter: 1 | 2 | 3 | 4): Period {
  const first = day(`${startYear}-04-01`).plus({ months: 3 * (quarter - 1) });
  const from = first.toISODate()!;
  const to = first.plus({ months: 3 }).minus({ days: 1 }).toISODate()!;
  const label = `Q${quarter} of ${financialYearName(startYear)} (${formatDay(from)} to ${formatDay(to)})`;
  return { from, to, label, code: `q:${startYear}:${quarter}` };
}

export function rangePeriod(from: string, to: string): Period {
  return { from, to, label: `${formatDay(from)} to ${formatDay(to)}`, code: `range:${from}:${to}` };
}

/** A period from its code, or a message saying what is wrong with it. */
export function periodFromCode(code: string): Period | { error: string } {
  const fy = /^fy:(\d{4})$/.exec(code);
  if (fy) return financialYearPeriod(Number(fy[1]));
  const q = /^q:(\d{4}):([1-4])$/.exec(code);
  if (q) return quarterPeriod(Number(q[1]), Number(q[2]) as 1 | 2 | 3 | 4);
  const range = /^range:([\d-]+):([\d-]+)$/.exec(code);
  if (range) return checkedRange(range[1]!, range[2]!);
  return { error: 'Choose a period.' };
}

/** A range of dates a person typed, checked: real dates, the first not after the second, not before 2000. */
export function checkedRange(from: string, to: string): Period | { error: string } {
  if (!isCalendarDate(from) || !isCalendarDate(to)) return { error: 'Give both dates, like 2027-04-01.' };
  if (from > to) return { error: 'The first date is after the second.' };
  if (from < EARLIEST_FIGURES_DATE) return { error: `Figures start on ${formatDay(EARLIEST_FIGURES_DATE)}.` };
  return rangePeriod(from, to);
}

/**
 * The periods the figures form offers: this financial year and the five before it, then this
 * quarter and the seven before it (today in the protocol's time zone).
 */
export function periodChoices(today: string): { title: string; value: string }[] {
  const year = financialYearOf(today);
  const years = Array.from({ length: 6 }, (_, i) => financialYearPeriod(year - i));
  const current = quarterOf(today);
  const quarters = Array.from({ length: 8 }, (_, i) => {
    const index = current.year * 4 + (current.quarter - 1) - i;
    return quarterPeriod(Math.floor(index / 4), ((index % 4) + 1) as 1 | 2 | 3 | 4);
  });
  const soFar = (p: Period) => (p.to > today ? ' (so far)' : '');
  return [
    ...years.map((p) => ({ title: `Financial year ${financialYearName(Number(p.code.slice(3)))}${soFar(p)}`, value: p.code })),
    ...quarters.map((p) => ({ title: `${p.label.replace(/ \(.*/, '')}${soFar(p)}`, value: p.code })),
    { title: 'Between the dates below', value: 'range' },
  ];
}

/**
 * The local date of instants in one time zone, quickly: a UTC day whose offset is the same at its
 * start and its end (every day but the two clock changes) is worked out once, then each instant is
 * shifted by that offset; a day with a change is read instant by instant. One per index build.
 */
export class LocalDays {
  private readonly offsets = new Map<string, number | undefined>();

  constructor(private readonly timeZone: string) {}

  dayOf(iso: string): string {
    const utcDay = iso.slice(0, 10);
    let offset = this.offsets.get(utcDay);
    if (!this.offsets.has(utcDay)) {
      const start = DateTime.fromISO(`${utcDay}T00:00:00Z`, { zone: this.timeZone });
      const end = start.plus({ days: 1 }).minus({ milliseconds: 1 });
      offset = start.isValid && start.offset === end.offset ? start.offset : undefined;
      this.offsets.set(utcDay, offset);
    }
    const instant = new Date(iso);
    if (offset === undefined) return localDate(instant, this.timeZone);
    return new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 10);
  }
}
