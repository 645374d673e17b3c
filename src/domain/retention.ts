import { DateTime } from 'luxon';
import { addDays, localDate, zonedInstant } from './calendar.js';
import type { ConcernRecord } from './concernRecord.js';
import type { Protocol } from './protocol.js';

/** The protocol file's retention periods (protocol.ts gives the defaults: 6 years, 25th birthday, 6 years). */
export type RetentionRules = Protocol['retention'];

/** Which rule keeps a concern: the person was an adult, a child, or nobody knows their age. */
export type RetentionBasis = 'adult' | 'child' | 'ageNotKnown';

/** When a closed concern stops being kept in full. */
export interface RetentionDate {
  basis: RetentionBasis;
  /** The last local date (YYYY-MM-DD) on which the concern is kept in full. */
  keepUntil: string;
  /** The start of the next local day: from then the retention pass anonymises it. */
  dueAt: Date;
  /** The rule in words, for the pass's report and the audit row. Never the person's age or anything typed. */
  rule: string;
}

/**
 * Where a concern stands: still open (retention counts from closure), already anonymised, kept on
 * a Lead's legal hold whatever its date, or closed and due (or not yet) at the instant asked about.
 */
export type RetentionState =
  | { kind: 'open' }
  | { kind: 'anonymised' }
  | { kind: 'held'; date: RetentionDate }
  | { kind: 'due'; date: RetentionDate }
  | { kind: 'notYetDue'; date: RetentionDate };

/** The age at which a person stops being a child. */
const ADULT_AGE = 18;

/** A calendar date `years` later; 29 February becomes 28 February in a year without one. */
function addYears(date: string, years: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ years }).toISODate()!;
}

const later = (a: string, b: string) => (a >= b ? a : b);

/**
 * The youngest the person can have been when the concern was raised, or 'adult'. The Lead's
 * recorded age wins; otherwise the reporter's age band gives the youngest age in it (under 16: 0).
 * "May be a child" with an adult band means the age is disputed, so nothing is known but that it
 * may be under 18: the youngest is taken as 0. A band of "not known" without the tick is 'unknown':
 * the longer of the two rules applies.
 */
function youngestAge(record: ConcernRecord): number | 'adult' | 'unknown' {
  const recorded = record.caseDetails?.ageYears;
  if (recorded !== undefined) return record.treatedAsChild || recorded < ADULT_AGE ? recorded : 'adult';
  const band = record.intake.ageBand;
  if (band === '16-17') return 16;
  if (band === 'under16' || record.treatedAsChild) return 0;
  return band === 'unknown' ? 'unknown' : 'adult';
}

/**
 * The last day a closed concern is kept in full under the protocol's rules, in its time zone;
 * undefined while it is open (every rule counts from closure or later).
 *
 * - Adult: `adultYearsAfterClosure` years after the local date of closure.
 * - Child: until their `childUntilAge`th birthday, or `childYearsAfterClosureAtLeast` years after
 *   closure if that is later. The birth date is never asked for. Someone who was A years old on
 *   the day the concern was raised turned A on that day at the latest, so their 25th birthday is at
 *   the latest the day raised plus (25 - A) years; taking that latest possible day never
 *   anonymises a child's record before they turn 25.
 * - Age not known: the longer of the two.
 *
 * The concern is anonymised from the start of the next local day, so the whole last day is kept.
 */
export function retentionDate(record: ConcernRecord, rules: RetentionRules, timeZone: string): RetentionDate | undefined {
  if (record.status !== 'closed' || !record.closedAt) return undefined;
  const closed = localDate(new Date(record.closedAt), timeZone);
  const raised = localDate(new Date(record.createdAt), timeZone);
  const adult = addYears(closed, rules.adultYearsAfterClosure);
  const afterClosure = addYears(closed, rules.childYearsAfterClosureAtLeast);
  const childRule = (age: number) => {
    const birthday = addYears(raised, rules.childUntilAge - age);
    return birthday >= afterClosure
      ? { keepUntil: birthday, rule: `until the ${ordinal(rules.childUntilAge)} birthday at the latest` }
      : {
          keepUntil: afterClosure,
          rule: `${rules.childYearsAfterClosureAtLeast} years after closure (later than the ${ordinal(rules.childUntilAge)} birthday)`,
        };
  };
  const age = youngestAge(record);
  let found: Pick<RetentionDate, 'basis' | 'keepUntil' | 'rule'>;
  if (age === 'adult') {
    found = { basis: 'adult', keepUntil: adult, rule: `adult: ${rules.adultYearsAfterClosure} years after closure` };
  } else if (age === 'unknown') {
    const child = childRule(0);
    const keepUntil = later(adult, child.keepUntil);
    const which = keepUntil === child.keepUntil ? `child rule, ${child.rule}` : `adult rule, ${rules.adultYearsAfterClosure} years after closure`;
    found = { basis: 'ageNotKnown', keepUntil, rule: `age not known: the longer rule (${which})` };
  } else {
    const child = childRule(age);
    found = { basis: 'child', keepUntil: child.keepUntil, rule: `child: ${child.rule}` };
  }
  return { ...found, dueAt: zonedInstant(addDays(found.keepUntil, 1), '00:00', timeZone) };
}

/** Where a concern stands for the retention pass at instant `at`. */
export function retentionState(record: ConcernRecord, rules: RetentionRules, timeZone: string, at: Date): RetentionState {
  if (record.anonymisedAt) return { kind: 'anonymised' };
  const date = retentionDate(record, rules, timeZone);
  if (!date) return { kind: 'open' };
  if (record.legalHold) return { kind: 'held', date };
  return at.getTime() >= date.dueAt.getTime() ? { kind: 'due', date } : { kind: 'notYetDue', date };
}

/** 25 -> "25th", 21 -> "21st", 22 -> "22nd", 111 -> "111th". */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
}
