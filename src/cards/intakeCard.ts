import { CONTROL_CHARACTERS, ACTIONS_TAKEN, AGE_BANDS, CONSENT, EXPLOITATION_TYPES, INDICATORS, LIMITS, type IntakeField } from '../domain/concern.js';
import { GROUP_IDS, GROUP_INFO } from '../domain/groups.js';
import { choicesOf, formProblems } from './format.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import intakeJson from './templates/intake.json';
import { VERBS, type Verb } from './verbs.js';

type Choice = { title: string; value: string };

const INTAKE_FIELDS: IntakeField[] = [
  'immediateDanger',
  'ageBand',
  'possiblyChild',
  'exploitation',
  'indicators',
  'area',
  'place',
  'consent',
  'actionsTaken',
  'observed',
];

const areaChoices = () => GROUP_IDS.map((id) => ({ title: `${GROUP_INFO[id].name}: ${GROUP_INFO[id].covers}`, value: id }));

/**
 * Text kept on a rejected card is capped so the card stays under Teams' size limit. The observed
 * input has no maxLength (Teams would cut a paste there without a word): the server refuses text
 * over LIMITS.observed and the card comes back with it whole, up to this cap.
 */
export const KEPT_TEXT_MAX = 4000;
const KEPT_CHOICE_MAX = 200;
// Control characters other than line breaks never belong in an answer; they would only bloat the card.

/**
 * Keeps only the card's own inputs, as strings, so a rejected card comes back as it was filled in.
 * Text far over its limit is cut to KEPT_TEXT_MAX, and the validation message says so.
 */
function keptValues(data: Record<string, unknown>): Record<IntakeField, string> {
  const values = {} as Record<IntakeField, string>;
  for (const field of INTAKE_FIELDS) {
    const value = data[field];
    const text = typeof value === 'string' ? value : typeof value === 'boolean' ? String(value) : '';
    const max = field === 'observed' ? KEPT_TEXT_MAX : field === 'place' ? LIMITS.place * 2 : KEPT_CHOICE_MAX;
    values[field] = text.replace(CONTROL_CHARACTERS, '').slice(0, max);
  }
  return values;
}

interface IntakeView {
  submissionId: string;
  inDialog: boolean;
  values: Record<IntakeField, string>;
  errors: Record<IntakeField, string>;
  hasErrors: boolean;
  errorSummary: string;
  choices: Record<'ageBands' | 'exploitation' | 'indicators' | 'areas' | 'consent' | 'actionsTaken', Choice[]>;
  limits: typeof LIMITS;
  /** The observed limit as the label shows it ("2,000"). */
  observedLimit: string;
  verbs: { submit: Verb };
}
const intakeTemplate = cardTemplate<IntakeView>(intakeJson);

export interface IntakeOptions {
  /** What the person had entered, when the card comes back to them. */
  values?: Record<string, unknown>;
  /** One problem per input, shown next to it. */
  errors?: Partial<Record<IntakeField, string>>;
  /** In the message-extension dialog, rather than in chat. */
  inDialog?: boolean;
  /** Storage did not confirm the concern was saved in time: the person is asked to send it again. */
  unconfirmed?: boolean;
}

/** Sending the same card again never stores it twice (the card's id is the concern's), so asking is safe. */
const UNCONFIRMED =
  'Your concern could not be saved just now: the system did not answer in time. Everything you entered is still below: please press Submit again in a minute. It will not be recorded twice. If someone is in immediate danger, call 999.';

const n = (x: number) => x.toLocaleString('en-GB');

/**
 * The intake card. On a rejected submission it comes back with the inputs kept and each problem
 * next to its input; observed text far over the limit is kept only in part, and the card says so.
 */
export function intakeCard(submissionId: string, options: IntakeOptions = {}): Card {
  const data = options.values ?? {};
  const errors = { ...options.errors };
  const observed = typeof data.observed === 'string' ? data.observed : '';
  if (errors.observed && observed.length > KEPT_TEXT_MAX) {
    errors.observed = `What you observed is ${n(observed.trim().length)} characters; the limit is ${n(LIMITS.observed)}. Only the first ${n(KEPT_TEXT_MAX)} are kept below: shorten it and send again. Nothing has been sent.`;
  }
  return renderCard(intakeTemplate, {
    submissionId,
    inDialog: options.inDialog ?? false,
    values: keptValues(data),
    ...formProblems(INTAKE_FIELDS, errors, 'nothing has been sent yet'),
    ...(options.unconfirmed ? { hasErrors: true, errorSummary: UNCONFIRMED } : {}),
    choices: {
      ageBands: choicesOf(AGE_BANDS),
      exploitation: choicesOf(EXPLOITATION_TYPES),
      indicators: choicesOf(INDICATORS),
      areas: areaChoices(),
      consent: choicesOf(CONSENT),
      actionsTaken: choicesOf(ACTIONS_TAKEN),
    },
    limits: LIMITS,
    observedLimit: n(LIMITS.observed),
    verbs: { submit: VERBS.submitIntake },
  });
}
