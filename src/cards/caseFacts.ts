import { CASE_OUTCOMES, ETHNICITIES, ETHNICITY_HEADINGS, GENDERS, type CaseDetails, type CaseOutcome, type Ethnicity } from '../domain/caseDetails.js';
import type { ConcernRecord } from '../domain/concernRecord.js';
import { nationalityName } from '../domain/nationalities.js';
import { formatLocal } from './format.js';
import { escapeMarkdown } from './markdown.js';

type Fact = { title: string; value: string };

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** A recorded date as people read it: "3 Mar 2027" (a calendar date, so no time zone moves it). */
export function formatDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? date : DAY.format(day);
}

/** "Indian (Asian, Asian British or Asian Welsh)"; "Not known". */
export function ethnicityLabel(ethnicity: Ethnicity): string {
  if (ethnicity === 'notKnown') return 'Not known';
  const { heading, label } = ETHNICITIES[ethnicity];
  return `${label} (${ETHNICITY_HEADINGS[heading]})`;
}

/**
 * The case details as a compact FactSet: only what is recorded, outcomes with their dates,
 * decisions and the NRM reference (escaped: a reference is typed by the Lead).
 */
export function caseFacts(details: CaseDetails | undefined): Fact[] {
  if (!details) return [];
  const facts: Fact[] = [];
  if (details.ageYears !== undefined) facts.push({ title: 'Age', value: `${details.ageYears} ${details.ageYears === 1 ? 'year' : 'years'}` });
  if (details.gender) facts.push({ title: 'Gender', value: GENDERS[details.gender] });
  if (details.nationality) facts.push({ title: 'Nationality', value: escapeMarkdown(nationalityName(details.nationality)) });
  if (details.ethnicity) facts.push({ title: 'Ethnicity', value: ethnicityLabel(details.ethnicity) });
  for (const outcome of Object.keys(CASE_OUTCOMES) as CaseOutcome[]) {
    const recorded = details.outcomes[outcome];
    if (!recorded) continue;
    const decision = recorded.decision ? `, ${recorded.decision}` : '';
    const reference = recorded.reference ? ` (reference ${escapeMarkdown(recorded.reference)})` : '';
    facts.push({ title: CASE_OUTCOMES[outcome], value: `${formatDay(recorded.date)}${decision}${reference}` });
  }
  return facts;
}

/** "Police request to keep the file (set by Lee Lead on 3 Mar 2027, 10:02)", escaped; empty when not on hold. */
export function legalHoldLine(concern: ConcernRecord, timeZone: string): string {
  const hold = concern.legalHold;
  if (!hold) return '';
  return `${escapeMarkdown(hold.reason)} (set by ${escapeMarkdown(hold.by.name)} on ${formatLocal(hold.at, timeZone)})`;
}
