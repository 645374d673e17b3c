import { CASE_OUTCOMES, DECIDED_OUTCOMES, ETHNICITIES, ETHNICITY_HEADINGS, GENDERS, type CaseOutcome } from '../domain/caseDetails.js';
import { CASE_LIMITS, NOT_RECORDED as NOT_RECORDED_VALUE, type CaseField, type CaseFormErrors, type CaseFormValues } from '../domain/caseDetailsForm.js';
import type { ConcernRecord } from '../domain/concernRecord.js';
import { nationalityChoices } from '../domain/nationalities.js';
import { caseFacts } from './caseFacts.js';
import { choicesOf } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import caseDetailsJson from './templates/caseDetails.json';
import { VERBS, type Verb } from './verbs.js';

type Choice = { title: string; value: string };

interface OutcomeView {
  label: string;
  dateId: string;
  date: string;
  dateError: string;
  decided: boolean;
  decisionId: string;
  decision: string;
  decisionError: string;
  referenced: boolean;
  reference: string;
  referenceError: string;
}

interface CaseDetailsView {
  concernId: string;
  revision: number;
  reference: string;
  notice: string;
  recorded: Choice[];
  age: number | null;
  values: Record<'gender' | 'nationality' | 'ethnicity', string>;
  errors: Record<'ageYears' | 'gender' | 'nationality' | 'ethnicity', string>;
  outcomes: OutcomeView[];
  choices: Record<'genders' | 'nationalities' | 'ethnicities' | 'decisions', Choice[]>;
  limits: typeof CASE_LIMITS;
  verbs: { save: Verb; refresh: Verb };
}
const caseDetailsTemplate = cardTemplate<CaseDetailsView>(caseDetailsJson);

/** The first choice of every list: what an answer not recorded shows, and choosing it removes one. */
const NOT_RECORDED: Choice = { title: 'Not recorded', value: NOT_RECORDED_VALUE };

/** The ONS 2021 ethnic groups in the census order, each titled with its heading so the list reads (and filters) by group. */
function ethnicityChoices(): Choice[] {
  const groups = Object.entries(ETHNICITIES).map(([value, e]) => ({ title: `${ETHNICITY_HEADINGS[e.heading]}: ${e.label}`, value }));
  return [NOT_RECORDED, ...groups, { title: 'Not known', value: 'notKnown' }];
}

export interface CaseDetailsCardOptions {
  /** What the inputs hold: the recorded details, or what the Lead sent. */
  values: CaseFormValues;
  errors?: CaseFormErrors;
  /** Why the form came back (not saved: invalid, or the concern changed); shows what is recorded now. */
  notice?: string;
}

/**
 * The Lead's "Case details for figures" form (Adaptive Cards 1.5): age, gender, nationality
 * (searchable), ethnicity (ONS 2021, by heading) and the dated outcomes. It carries the concern's
 * revision, so a save from a form opened before someone else's change is refused, not applied.
 */
export function caseDetailsCard(concern: ConcernRecord, options: CaseDetailsCardOptions): Card {
  const value = (field: CaseField) => options.values[field] ?? '';
  const chosen = (field: CaseField) => value(field) || NOT_RECORDED_VALUE;
  const error = (field: CaseField) => options.errors?.[field] ?? '';
  const pick = <F extends CaseField>(fields: readonly F[], of: (f: F) => string) => Object.fromEntries(fields.map((f) => [f, of(f)])) as Record<F, string>;
  const person = ['ageYears', 'gender', 'nationality', 'ethnicity'] as const;
  const age = value('ageYears').trim();
  return renderCard(caseDetailsTemplate, {
    concernId: concern.id,
    revision: concern.revision,
    reference: concern.reference,
    notice: options.notice ? escapeMarkdown(options.notice) : '',
    recorded: options.notice ? caseFacts(concern.caseDetails) : [],
    age: /^-?\d+(\.\d+)?$/.test(age) ? Number(age) : null,
    values: pick(['gender', 'nationality', 'ethnicity'] as const, chosen),
    errors: pick(person, error),
    outcomes: (Object.keys(CASE_OUTCOMES) as CaseOutcome[]).map((o) => {
      const decided = (DECIDED_OUTCOMES as readonly string[]).includes(o);
      const field = (suffix: string) => `${o}${suffix}` as CaseField;
      return {
        label: CASE_OUTCOMES[o],
        dateId: field('Date'),
        date: value(field('Date')),
        dateError: error(field('Date')),
        decided,
        decisionId: field('Decision'),
        decision: decided ? chosen(field('Decision')) : '',
        decisionError: decided ? error(field('Decision')) : '',
        referenced: o === 'nrmReferral',
        reference: o === 'nrmReferral' ? value('nrmReferralReference') : '',
        referenceError: o === 'nrmReferral' ? error('nrmReferralReference') : '',
      };
    }),
    choices: {
      genders: [NOT_RECORDED, ...choicesOf(GENDERS)],
      nationalities: [NOT_RECORDED, ...nationalityChoices()],
      ethnicities: ethnicityChoices(),
      decisions: [NOT_RECORDED, { title: 'Positive', value: 'positive' }, { title: 'Negative', value: 'negative' }],
    },
    limits: CASE_LIMITS,
    verbs: { save: VERBS.saveCaseDetails, refresh: VERBS.refreshConcern },
  });
}
