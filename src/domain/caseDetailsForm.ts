import { CONTROL_CHARACTERS } from './concern.js';
import {
  CASE_OUTCOMES,
  caseDetailsSchema,
  DECIDED_OUTCOMES,
  ETHNICITIES,
  GENDERS,
  type CaseDetails,
  type CaseOutcome,
  type OutcomeRecord,
} from './caseDetails.js';
import { isNationality } from './nationalities.js';

/**
 * The case details form: what the Lead's inputs are called, how what they send becomes
 * CaseDetails (checked by caseDetailsSchema), and how recorded details fill the form again.
 * Every input is optional; an emptied input removes what was recorded.
 */

type DecidedOutcome = (typeof DECIDED_OUTCOMES)[number];
export type CaseField = 'ageYears' | 'gender' | 'nationality' | 'ethnicity' | `${CaseOutcome}Date` | `${DecidedOutcome}Decision` | 'nrmReferralReference';

const OUTCOME_IDS = Object.keys(CASE_OUTCOMES) as CaseOutcome[];
const isDecided = (o: CaseOutcome): o is DecidedOutcome => (DECIDED_OUTCOMES as readonly string[]).includes(o);

/** Every input of the form, in the order the card shows them. */
export const CASE_FIELDS: readonly CaseField[] = [
  'ageYears',
  'gender',
  'nationality',
  'ethnicity',
  ...OUTCOME_IDS.flatMap((o): CaseField[] => [
    `${o}Date`,
    ...(isDecided(o) ? [`${o}Decision` as const] : []),
    ...(o === 'nrmReferral' ? ['nrmReferralReference' as const] : []),
  ]),
];

export const CASE_LIMITS = { ageYears: { min: 0, max: 120 }, reference: 40 } as const;
const KEPT_MAX = 100;

export type CaseFormValues = Partial<Record<CaseField, string>>;
export type CaseFormErrors = Partial<Record<CaseField, string>>;

/** What a Lead sent, kept to put back on the form: strings only, no control characters, cut short. */
export function keptCaseValues(input: Record<string, unknown>): CaseFormValues {
  const kept: CaseFormValues = {};
  for (const field of CASE_FIELDS) {
    const value = input[field];
    if (typeof value === 'string' || typeof value === 'number') kept[field] = String(value).replace(CONTROL_CHARACTERS, '').slice(0, KEPT_MAX);
  }
  return kept;
}

/** The recorded details as the form's inputs show them. */
export function caseFormValues(details: CaseDetails | undefined): CaseFormValues {
  const values: CaseFormValues = {};
  if (!details) return values;
  if (details.ageYears !== undefined) values.ageYears = String(details.ageYears);
  if (details.gender) values.gender = details.gender;
  if (details.nationality) values.nationality = details.nationality;
  if (details.ethnicity) values.ethnicity = details.ethnicity;
  for (const o of OUTCOME_IDS) {
    const outcome = details.outcomes[o];
    if (!outcome) continue;
    values[`${o}Date`] = outcome.date;
    if (isDecided(o) && outcome.decision) values[`${o}Decision`] = outcome.decision;
    if (o === 'nrmReferral' && outcome.reference) values.nrmReferralReference = outcome.reference;
  }
  return values;
}

/** Whether two sets of details say the same (so saving an unchanged form changes nothing). */
export function sameCaseDetails(a: CaseDetails | undefined, b: CaseDetails | undefined): boolean {
  const x = caseFormValues(a);
  const y = caseFormValues(b);
  return CASE_FIELDS.every((f) => (x[f] ?? '') === (y[f] ?? ''));
}

/** True when nothing at all is recorded. */
export function isEmptyCaseDetails(details: CaseDetails): boolean {
  return CASE_FIELDS.every((f) => caseFormValues(details)[f] === undefined);
}

/** The choice that removes an answer from a list (a choice's value cannot be empty). */
export const NOT_RECORDED = 'notRecorded';

const REFERENCE_CHARACTERS = /^[A-Za-z0-9\-/ ]*$/;
/** "Reasonable grounds decision" reads "reasonable grounds decision" mid-sentence; "NRM referral" stays as it is. */
const lower = (label: string) => (/^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label);

/**
 * The form's inputs as CaseDetails, or one problem per input. `today` (the protocol's local date)
 * is the latest date an outcome can have: these are things that happened.
 */
export function parseCaseDetailsForm(
  input: Record<string, unknown>,
  today: string,
): { ok: true; details: CaseDetails } | { ok: false; errors: CaseFormErrors } {
  const sent = keptCaseValues(input);
  const text = (field: CaseField) => {
    const value = (sent[field] ?? '').trim();
    return value === NOT_RECORDED ? '' : value;
  };
  const errors: CaseFormErrors = {};
  const candidate: Record<string, unknown> = {};

  const age = text('ageYears');
  if (age && !/^\d{1,3}$/.test(age)) errors.ageYears = `Give the age as a whole number of years from 0 to 120 (not "${age}").`;
  else if (age) candidate.ageYears = Number(age);
  const choose = (field: 'gender' | 'nationality' | 'ethnicity', known: (v: string) => boolean, what: string) => {
    const value = text(field);
    if (value && !known(value)) errors[field] = `Choose ${what} from the list.`;
    else if (value) candidate[field] = value;
  };
  choose('gender', (v) => v in GENDERS, 'a gender');
  choose('nationality', isNationality, 'a nationality');
  choose('ethnicity', (v) => v in ETHNICITIES || v === 'notKnown', 'an ethnic group');

  const outcomes: Record<string, Partial<OutcomeRecord>> = {};
  for (const o of OUTCOME_IDS) {
    const date = text(`${o}Date`);
    const decision = isDecided(o) ? text(`${o}Decision`) : '';
    const reference = o === 'nrmReferral' ? text('nrmReferralReference') : '';
    if (!date && !decision && !reference) continue;
    if (!date) errors[`${o}Date`] = `Give the date of the ${lower(CASE_OUTCOMES[o])}, or empty the other answers about it.`;
    else if (/^\d{4}-\d{2}-\d{2}$/.test(date) && date > today) errors[`${o}Date`] = 'That date is in the future: record an outcome once it has happened.';
    if (isDecided(o) && decision !== 'positive' && decision !== 'negative') errors[`${o}Decision`] = 'Choose positive or negative.';
    if (reference && !REFERENCE_CHARACTERS.test(reference)) errors.nrmReferralReference = 'An NRM reference has letters, digits, spaces, / and - only.';
    outcomes[o] = { date, ...(decision ? { decision: decision as OutcomeRecord['decision'] } : {}), ...(reference ? { reference } : {}) };
  }
  candidate.outcomes = outcomes;

  // The schema is the last word on what is stored; its problems are named next to their inputs.
  const parsed = caseDetailsSchema.safeParse(candidate);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      if (field) errors[field] ??= messageFor(field, issue.message);
    }
  if (parsed.success && !Object.keys(errors).length) return { ok: true, details: parsed.data };
  return { ok: false, errors: Object.keys(errors).length ? errors : { ageYears: 'Check the answers and save again.' } };
}

function fieldOf(path: readonly PropertyKey[]): CaseField | undefined {
  const [first, outcome, part] = path.map(String);
  if (first !== 'outcomes') return CASE_FIELDS.includes(first as CaseField) ? (first as CaseField) : undefined;
  if (part === 'reference') return 'nrmReferralReference';
  if (part === 'decision') return `${outcome}Decision` as CaseField;
  return `${outcome}Date` as CaseField;
}

function messageFor(field: CaseField, schemaMessage: string): string {
  if (field === 'ageYears') return 'Give the age as a whole number of years from 0 to 120.';
  if (field === 'nrmReferralReference') return `An NRM reference is at most ${CASE_LIMITS.reference} characters.`;
  return field.endsWith('Date') ? 'Use a date like 2027-04-30.' : schemaMessage;
}
