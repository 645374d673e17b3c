import { DateTime } from 'luxon';
import { z } from 'zod';
import { formatLongDate } from './calendar.js';
import { withoutControlCharacters } from './concern.js';
import type { PersonRef } from './concernRecord.js';
import type { Person } from './protocol.js';
import type { Roster } from './people.js';

/**
 * Partner organisations signing up to the city-wide protocol once it is collated: which documents
 * (the Strategy, the Pathways or both), who signed, in what role and on which date.
 */

/** The documents an organisation can sign up to: value -> label. The values are what is stored. */
export const SIGN_UP_DOCUMENTS = { strategy: 'The Strategy (5P)', pathways: 'The Pathways' } as const;
export type SignUpDocument = keyof typeof SIGN_UP_DOCUMENTS;
const DOCUMENT_IDS = Object.keys(SIGN_UP_DOCUMENTS) as [SignUpDocument, ...SignUpDocument[]];

/** Limits the card shows and the server enforces. */
export const SIGN_UP_LIMITS = { organisation: 120, signatory: 100, role: 100 } as const;

/** The sign-up card's input ids: each problem is shown next to its input. */
export const SIGN_UP_FIELDS = ['organisation', 'signatory', 'role', 'documents', 'signedOn'] as const;
export type SignUpField = (typeof SIGN_UP_FIELDS)[number];

/** What an organisation's representative enters, as the server accepts it. */
export interface SignUpInput {
  organisation: string;
  signatory: string;
  role: string;
  documents: SignUpDocument[];
  /** The local date it was signed (YYYY-MM-DD), never in the future. */
  signedOn: string;
}

/** One organisation's sign-up as kept: the latest answers, who entered them, and when. */
export interface SignUpRecord extends SignUpInput {
  /** Who entered it in Teams (from the activity, never from the card). */
  enteredBy: PersonRef;
  firstRecordedAt: string;
  updatedAt: string;
}

const count = (n: number) => n.toLocaleString('en-GB');

/** One line of text: no control characters, line breaks or runs of spaces. */
const line = (what: string, max: number, required: string) =>
  z
    .string({ error: required })
    .transform((s) => withoutControlCharacters(s).replace(/\s+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(1, required)
        .min(2, `${what} is too short: give it in full.`)
        .max(max, {
          error: (issue) => `${what} is ${count(typeof issue.input === 'string' ? issue.input.length : max + 1)} characters; the limit is ${count(max)}.`,
        })
        .refine((s) => /[\p{L}\p{N}]/u.test(s), `${what} needs at least one letter or digit.`),
    );

/** Card multi-selects arrive as "a,b"; an empty string is no selection. */
const documents = z
  .string({ error: 'Choose the Strategy, the Pathways or both.' })
  .transform((s) => [
    ...new Set(
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z.array(z.enum(DOCUMENT_IDS, { error: 'Choose the Strategy, the Pathways or both, from the list.' })).min(1, 'Choose the Strategy, the Pathways or both.'),
  );

/** The sign-up card's data as the server accepts it, given today's local date in the protocol's time zone. */
function signUpSchema(today: string, timeZone: string) {
  return z.object({
    organisation: line("The organisation's name", SIGN_UP_LIMITS.organisation, "Give your organisation's name."),
    signatory: line("The signatory's name", SIGN_UP_LIMITS.signatory, 'Give the name of the person who signed.'),
    role: line("The signatory's role", SIGN_UP_LIMITS.role, "Give the signatory's role (for example, Chief Executive)."),
    documents,
    signedOn: z
      .string({ error: 'Give the date it was signed.' })
      .trim()
      .min(1, 'Give the date it was signed.')
      .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s, { zone: 'utc' }).isValid, 'Give the date as a date, such as 2027-06-25.')
      .refine((s) => s <= today, `The date cannot be in the future: today is ${formatLongDate(today, timeZone)}.`),
  });
}

/** Validates raw card data; on failure returns one message per input. */
export function parseSignUp(
  data: unknown,
  today: string,
  timeZone: string,
): { ok: true; signUp: SignUpInput } | { ok: false; errors: Partial<Record<SignUpField, string>> } {
  const result = signUpSchema(today, timeZone).safeParse(data ?? {});
  if (result.success) return { ok: true, signUp: result.data };
  const errors: Partial<Record<SignUpField, string>> = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && (SIGN_UP_FIELDS as readonly string[]).includes(field)) errors[field as SignUpField] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * The name an organisation is known by, whatever its spelling: case, compatibility forms of
 * letters, punctuation, apostrophes, "&" for "and" and spacing do not matter ("St. Mary's Trust"
 * and "ST MARYS TRUST" are both "st marys trust"), so one organisation signing twice is one entry.
 */
export function normaliseOrganisation(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['\u2019\u02bc]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Newest first: by the date signed, then by the latest change. */
export function newestFirst(a: SignUpRecord, b: SignUpRecord): number {
  return b.signedOn.localeCompare(a.signedOn) || b.updatedAt.localeCompare(a.updatedAt);
}

/** The documents in words: "The Strategy (5P) and The Pathways". */
export function documentsInWords(chosen: readonly SignUpDocument[]): string {
  return DOCUMENT_IDS.filter((d) => chosen.includes(d))
    .map((d) => SIGN_UP_DOCUMENTS[d])
    .join(' and ');
}

/** Everyone the roster names (leads, deputies, coordinators, group leads and members), once each, by name. */
export function protocolPeople(protocol: Roster): Person[] {
  const everyone = [
    ...protocol.modernSlaveryLeads,
    ...protocol.deputies,
    ...protocol.coordinators,
    ...protocol.groups.flatMap((g) => [...g.leads, ...g.members]),
  ];
  return [...new Map(everyone.map((p) => [p.aadObjectId, p])).values()].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

/** The outbox partition of the sign-up cards a coordinator sends to people and group channels. */
export const SIGN_UP_INVITES = 'signup-invites';
