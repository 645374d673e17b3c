import { z } from 'zod';

/**
 * The facts a Lead records on a case so that the questions councils are asked (Freedom of
 * Information requests, returns) can be answered as counts. All optional; recorded by the Lead or
 * a deputy on the Lead's card, never asked of the reporter.
 */

export const GENDERS = {
  female: 'Female',
  male: 'Male',
  other: 'Non-binary or another gender',
  notKnown: 'Not known',
} as const;
export type Gender = keyof typeof GENDERS;

/** The ONS 2021 Census ethnic groups (England and Wales): 19 categories under 5 headings. */
export const ETHNICITY_HEADINGS = {
  asian: 'Asian, Asian British or Asian Welsh',
  black: 'Black, Black British, Black Welsh, Caribbean or African',
  mixed: 'Mixed or Multiple ethnic groups',
  white: 'White',
  other: 'Other ethnic group',
} as const;
export type EthnicityHeading = keyof typeof ETHNICITY_HEADINGS;

export const ETHNICITIES = {
  bangladeshi: { heading: 'asian', label: 'Bangladeshi' },
  chinese: { heading: 'asian', label: 'Chinese' },
  indian: { heading: 'asian', label: 'Indian' },
  pakistani: { heading: 'asian', label: 'Pakistani' },
  otherAsian: { heading: 'asian', label: 'Any other Asian background' },
  african: { heading: 'black', label: 'African' },
  caribbean: { heading: 'black', label: 'Caribbean' },
  otherBlack: { heading: 'black', label: 'Any other Black, Black British or Caribbean background' },
  whiteAsian: { heading: 'mixed', label: 'White and Asian' },
  whiteBlackAfrican: { heading: 'mixed', label: 'White and Black African' },
  whiteBlackCaribbean: { heading: 'mixed', label: 'White and Black Caribbean' },
  otherMixed: { heading: 'mixed', label: 'Any other Mixed or Multiple background' },
  british: { heading: 'white', label: 'English, Welsh, Scottish, Northern Irish or British' },
  irish: { heading: 'white', label: 'Irish' },
  gypsyTraveller: { heading: 'white', label: 'Gypsy or Irish Traveller' },
  roma: { heading: 'white', label: 'Roma' },
  otherWhite: { heading: 'white', label: 'Any other White background' },
  arab: { heading: 'other', label: 'Arab' },
  anyOther: { heading: 'other', label: 'Any other ethnic group' },
} as const satisfies Record<string, { heading: EthnicityHeading; label: string }>;
export type Ethnicity = keyof typeof ETHNICITIES | 'notKnown';

/**
 * Dated outcomes. The two NRM decisions carry whether they were positive; the NRM referral carries
 * its reference (kept only on the record and its Lead card, removed when the concern is anonymised).
 */
export const CASE_OUTCOMES = {
  nrmReferral: 'NRM referral',
  reasonableGrounds: 'Reasonable grounds decision',
  conclusiveGrounds: 'Conclusive grounds decision',
  dutyToNotify: 'Duty to Notify',
  mashReferral: 'MASH referral',
  jointInvestigationInterview: "Joint investigation interview (police and children's social care)",
  policeInvestigation: 'Police investigation',
  supportAccepted: 'Support accepted',
} as const;
export type CaseOutcome = keyof typeof CASE_OUTCOMES;
export const DECIDED_OUTCOMES = ['reasonableGrounds', 'conclusiveGrounds'] as const satisfies readonly CaseOutcome[];

export interface OutcomeRecord {
  /** ISO date (YYYY-MM-DD) the outcome happened. */
  date: string;
  /** Reasonable and conclusive grounds decisions only. */
  decision?: 'positive' | 'negative';
  /** NRM referral only. Identifying: never in figures, removed at anonymisation. */
  reference?: string;
}

export interface CaseDetails {
  /** Age in years when the concern was raised, if known (0-120). */
  ageYears?: number;
  gender?: Gender;
  /** ISO 3166-1 alpha-2 code of the nationality, or 'stateless' / 'notKnown'. */
  nationality?: string;
  ethnicity?: Ethnicity;
  outcomes: Partial<Record<CaseOutcome, OutcomeRecord>>;
}

const isoDate = z.iso.date({ error: 'Use a date like 2027-04-30.' });

export const outcomeRecordSchema = z.object({
  date: isoDate,
  decision: z.enum(['positive', 'negative']).optional(),
  reference: z.string().trim().min(1).max(40).optional(),
});

export const caseDetailsSchema = z.object({
  ageYears: z.number().int().min(0).max(120).optional(),
  gender: z.enum(Object.keys(GENDERS) as [Gender, ...Gender[]]).optional(),
  nationality: z
    .string()
    .regex(/^([A-Z]{2}|stateless|notKnown)$/)
    .optional(),
  ethnicity: z.enum([...(Object.keys(ETHNICITIES) as (keyof typeof ETHNICITIES)[]), 'notKnown']).optional(),
  outcomes: z.partialRecord(z.enum(Object.keys(CASE_OUTCOMES) as [CaseOutcome, ...CaseOutcome[]]), outcomeRecordSchema).default({}),
});
