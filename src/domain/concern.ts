import { z } from 'zod';
import { GROUP_IDS, type GroupId } from './groups.js';

/** Choice lists of the intake card: value -> label. The values are what is stored. */
export const AGE_BANDS = {
  under16: 'Under 16',
  '16-17': '16-17',
  '18-25': '18-25',
  '26plus': '26 or over',
  unknown: 'Not known',
} as const;

export const EXPLOITATION_TYPES = {
  labour: 'Labour',
  sexual: 'Sexual',
  criminal: 'Criminal (county lines, cannabis cultivation, forced begging, theft)',
  domestic: 'Domestic servitude',
  financial: 'Financial',
  organ: 'Organ removal',
  other: 'Other or not sure',
} as const;

export const INDICATORS = {
  abuse: 'Signs of physical or psychological abuse',
  control: "Under someone else's control or isolated",
  housing: 'Poor or overcrowded housing, or living at the workplace',
  documents: 'No ID documents, or documents held by someone else',
  movement: 'Restricted movement',
  debt: 'Debt owed to an employer or agent',
  fear: 'Fear of authorities',
  missing: 'Young person: going missing',
  school: 'Young person: falling school attendance',
  money: 'Young person: unexplained money or phones',
} as const;

export const CONSENT = {
  notDiscussed: 'Not yet discussed',
  consented: 'Consented',
  declined: 'Declined',
} as const;
export type Consent = keyof typeof CONSENT;

export const ACTIONS_TAKEN = {
  called999: 'Called 999',
  police101: 'Informed police (101)',
  mash: "Referred to children's services (MASH)",
  helpline: 'Called the Modern Slavery Helpline',
} as const;

/** Control characters other than line breaks and tabs never belong in text a person typed. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Text without control characters: they would only bloat a card (six bytes each in JSON). */
export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}

/** Limits the card shows and the server enforces. */
export const LIMITS = { observed: 2000, place: 100 } as const;

const count = (n: number) => n.toLocaleString('en-GB');

/** The refusal of an observed text over the limit names its length and the limit: "2,612 characters; the limit is 2,000". */
export function observedTooLong(length: number): string {
  return `What you observed is ${count(length)} characters; the limit is ${count(LIMITS.observed)}. Shorten it and send again: nothing has been sent.`;
}

const keys = <T extends Record<string, string>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

/** Card multi-selects arrive as "a,b,c"; an empty string is no selection. */
const multiChoice = <T extends Record<string, string>>(o: T, required: string) =>
  z
    .string({ error: required })
    .transform((s) => (s === '' ? [] : s.split(',').map((v) => v.trim())))
    .pipe(z.array(z.enum(keys(o)), { error: 'Choose from the list.' }).min(required ? 1 : 0, required || undefined));

const toggle = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .optional()
  .transform((v) => v === true || v === 'true');

// Phrases that suggest a home address rather than an area: a full postcode or a house number.
const FULL_POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i;
const HOUSE_NUMBER = /(^|\s)\d+[a-z]?\s+\w+\s+(road|rd|street|st|avenue|ave|lane|close|drive|way|court|crescent|grove|terrace|place)\b/i;

/**
 * The intake card's data as the server accepts it. Field names match the card's input ids, so a
 * problem can be shown next to the input it belongs to.
 */
export const intakeSchema = z
  .object({
    immediateDanger: z.enum(['yes', 'no'], { error: 'Say whether anyone is in immediate danger.' }),
    ageBand: z.enum(keys(AGE_BANDS), { error: 'Choose an age band (or "Not known").' }),
    possiblyChild: toggle,
    exploitation: multiChoice(EXPLOITATION_TYPES, 'Choose at least one type (or "Other or not sure").'),
    indicators: multiChoice(INDICATORS, '')
      .optional()
      .transform((v) => v ?? []),
    area: z.enum(GROUP_IDS, { error: 'Choose the area where it was encountered.' }),
    place: z
      .string()
      .trim()
      .max(LIMITS.place, `Keep the place to ${LIMITS.place} characters: a ward or neighbourhood.`)
      .refine((s) => !FULL_POSTCODE.test(s) && !HOUSE_NUMBER.test(s), 'Give a ward or neighbourhood, not a home address or full postcode.')
      .optional()
      .transform((v) => v ?? ''),
    consent: z
      .enum(keys(CONSENT))
      .optional()
      .or(z.literal('').transform(() => undefined)),
    actionsTaken: multiChoice(ACTIONS_TAKEN, '')
      .optional()
      .transform((v) => v ?? []),
    observed: z
      .string({ error: 'Describe what you observed.' })
      .transform(withoutControlCharacters)
      .pipe(
        z
          .string()
          .trim()
          .min(1, 'Describe what you observed.')
          .max(LIMITS.observed, { error: (issue) => observedTooLong(typeof issue.input === 'string' ? issue.input.length : LIMITS.observed + 1) }),
      ),
  })
  .superRefine((v, ctx) => {
    if (!isTreatedAsChild(v) && v.consent === undefined) {
      ctx.addIssue({ code: 'custom', path: ['consent'], message: 'For an adult, say whether consent to an NRM referral was discussed.' });
    }
  });

export type Intake = z.infer<typeof intakeSchema>;

/** If age is disputed or not known and the person may be a child, they are treated as a child. */
export function isTreatedAsChild(intake: Pick<Intake, 'ageBand' | 'possiblyChild'>): boolean {
  return intake.ageBand === 'under16' || intake.ageBand === '16-17' || intake.possiblyChild;
}

/** Input ids of the intake card that can carry an error message. */
export type IntakeField = keyof Intake;

/** Validates raw card data; on failure returns one message per input. */
export function parseIntake(data: unknown): { ok: true; intake: Intake } | { ok: false; errors: Partial<Record<IntakeField, string>> } {
  const result = intakeSchema.safeParse(data);
  if (result.success) return { ok: true, intake: result.data };
  const errors: Partial<Record<IntakeField, string>> = {};
  for (const issue of result.error.issues) {
    const field = (issue.path[0] ?? 'observed') as IntakeField;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** Concern statuses; transitions live in status.ts. */
export type ConcernStatus = 'new' | 'acknowledged' | 'inProgress' | 'closed';

export const LEAD_ACTIONS = {
  nrmReferral: 'NRM referral made',
  dutyToNotify: 'Duty to Notify made',
  mashInformed: "Children's services (MASH) informed",
  policeInformed: 'Police informed',
  jointInterview: "Joint investigation interview held (police and children's social care)",
  supportOffered: 'Support offered',
} as const;
export type LeadAction = keyof typeof LEAD_ACTIONS;

export const OUTCOMES = {
  nrmReferred: 'Referred into the NRM',
  dutyToNotify: 'Duty to Notify made (adult declined NRM)',
  childSafeguarded: "Safeguarded through children's services",
  policeInvestigation: 'Police investigation',
  supportProvided: 'Support provided outside the NRM',
  notModernSlavery: 'Not modern slavery: other safeguarding route',
  noFurtherAction: 'No further action possible',
} as const;
export type Outcome = keyof typeof OUTCOMES;

export const leadActionSchema = z.enum(keys(LEAD_ACTIONS));
export const outcomeSchema = z.enum(keys(OUTCOMES));
export const groupIdSchema: z.ZodType<GroupId> = z.enum(GROUP_IDS);
