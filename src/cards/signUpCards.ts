import { formatLongDate } from '../domain/calendar.js';
import { withoutControlCharacters } from '../domain/concern.js';
import {
  documentsInWords,
  SIGN_UP_DOCUMENTS,
  SIGN_UP_FIELDS,
  SIGN_UP_LIMITS,
  type SignUpField,
  type SignUpInput,
  type SignUpRecord,
} from '../domain/signUp.js';
import { choicesOf, formProblems, noticeView, plural, type Notice } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { noticeCard } from './messageCard.js';
import { cardTemplate, renderCard, renderFitting, shrinking, type Card } from './renderCard.js';
import signUpFormJson from './templates/signUpForm.json';
import signUpListJson from './templates/signUpList.json';
import signUpSendJson from './templates/signUpSend.json';
import { VERBS, type Verb } from './verbs.js';

type Choice = { title: string; value: string };

interface SignUpFormView {
  values: Record<SignUpField, string>;
  errors: Record<SignUpField, string>;
  hasErrors: boolean;
  errorSummary: string;
  documents: Choice[];
  limits: typeof SIGN_UP_LIMITS;
  verbs: { submit: Verb };
}
const formTemplate = cardTemplate<SignUpFormView>(signUpFormJson);

/** What a rejected card keeps of each input: text only, without control characters, capped so the card stays small. */
function keptValues(data: Record<string, unknown>): Record<SignUpField, string> {
  const kept = (field: SignUpField) => {
    const value = data[field];
    const max = field === 'organisation' || field === 'signatory' || field === 'role' ? SIGN_UP_LIMITS[field] * 2 : 40;
    return typeof value === 'string' ? withoutControlCharacters(value).slice(0, max) : '';
  };
  return Object.fromEntries(SIGN_UP_FIELDS.map((f) => [f, kept(f)])) as Record<SignUpField, string>;
}

/**
 * The card on which a partner organisation signs up. On a rejected submission it comes back with
 * the inputs kept and each problem next to its input.
 */
export function signUpFormCard(options: { values?: Record<string, unknown>; errors?: Partial<Record<SignUpField, string>> } = {}): Card {
  return renderCard(formTemplate, {
    values: keptValues(options.values ?? {}),
    ...formProblems(SIGN_UP_FIELDS, options.errors ?? {}, 'nothing has been recorded yet'),
    documents: choicesOf(SIGN_UP_DOCUMENTS),
    limits: SIGN_UP_LIMITS,
    verbs: { submit: VERBS.submitSignUp },
  });
}

/** The answer to a sign-up: what was recorded, in the signer's own words (escaped). */
export function signedUpCard(record: SignUpInput, updated: boolean, timeZone: string): Card {
  return noticeCard(
    updated ? 'Sign-up updated' : 'Thank you: signed up',
    [
      `Organisation: ${escapeMarkdown(record.organisation)}`,
      `Signed by: ${escapeMarkdown(record.signatory)}, ${escapeMarkdown(record.role)}`,
      `Signed up to: ${documentsInWords(record.documents)}`,
      `Date signed: ${formatLongDate(record.signedOn, timeZone)}`,
      updated
        ? 'This organisation had signed up before: its entry now holds these answers.'
        : 'The protocol coordinators can see this. To change anything, sign again for the same organisation: its entry is updated.',
    ],
    [{ title: 'Sign up another organisation', verb: VERBS.openSignUp }],
  );
}

interface SignUpListView {
  summary: string;
  notice: string;
  noticeStyle: 'good' | 'attention';
  entries: { organisation: string; signatory: string; role: string; documents: string; signedOn: string }[];
  more: string;
  hasEntries: boolean;
  verbs: { export: Verb; list: Verb };
}
const listTemplate = cardTemplate<SignUpListView>(signUpListJson);

/** At most this many organisations on the card; the CSV has them all. */
export const SIGN_UP_LIST_MAX = 25;

/**
 * Who has signed up, newest first, for the coordinators: as many as fit on a Teams card (at most
 * SIGN_UP_LIST_MAX), then how many more there are, which the CSV export holds.
 */
export function signUpListCard(records: readonly SignUpRecord[], timeZone: string, notice?: Notice): Card {
  const entry = (r: SignUpRecord) => ({
    organisation: escapeMarkdown(r.organisation),
    signatory: escapeMarkdown(r.signatory),
    role: escapeMarkdown(r.role),
    documents: documentsInWords(r.documents),
    signedOn: formatLongDate(r.signedOn, timeZone),
  });
  const view = (shown: number) => {
    const hidden = records.length - shown;
    return {
      summary: records.length
        ? `${plural(records.length, 'organisation')} signed up, newest first.`
        : 'No organisation has signed up yet. Type "send sign-up" to send the sign-up card.',
      ...noticeView(notice),
      entries: records.slice(0, shown).map(entry),
      more: hidden > 0 ? `${plural(hidden, 'more organisation')} not shown here: export the list as CSV to see every one.` : '',
      hasEntries: records.length > 0,
      verbs: { export: VERBS.exportSignUps, list: VERBS.listSignUps },
    };
  };
  // Long names in a script that takes three bytes a letter can fill a card before the limit: show fewer.
  return renderFitting(listTemplate, shrinking(Math.min(records.length, SIGN_UP_LIST_MAX), 0.8), view);
}

interface SignUpSendView {
  sendId: string;
  error: string;
  groups: Choice[];
  people: Choice[];
  hasGroups: boolean;
  hasPeople: boolean;
  canSend: boolean;
  values: { groups: string; people: string };
  verbs: { send: Verb };
}
const sendTemplate = cardTemplate<SignUpSendView>(signUpSendJson);

export interface SignUpSendOptions {
  /** A server-made id: sending the same card twice (a double click) sends each message once. */
  sendId: string;
  groups: Choice[];
  people: Choice[];
  error?: string;
  /** What was chosen, when the card comes back. */
  values?: { groups?: string; people?: string };
}

/** The coordinator's choice of where the sign-up card goes: linked group channels and people who have the app. */
export function signUpSendCard(options: SignUpSendOptions): Card {
  const kept = (v: string | undefined) => (v ?? '').slice(0, 4000);
  return renderCard(sendTemplate, {
    sendId: options.sendId,
    error: options.error ?? '',
    groups: options.groups,
    // Choice titles are plain text (no Markdown), so names are shown as they are.
    people: options.people,
    hasGroups: options.groups.length > 0,
    hasPeople: options.people.length > 0,
    canSend: options.groups.length + options.people.length > 0,
    values: { groups: kept(options.values?.groups), people: kept(options.values?.people) },
    verbs: { send: VERBS.sendSignUp },
  });
}
