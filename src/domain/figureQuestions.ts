import { z } from 'zod';
import { EXPLOITATION_TYPES } from './concern.js';
import type { CaseOutcome } from './caseDetails.js';
import { DIMENSION_IDS, DIMENSIONS, OUTCOME_IDS, WHO, type Basis, type DimensionId, type FigureQuestion, type TableSpec, type Who } from './figures.js';
import {
  checkedRange,
  EARLIEST_FIGURES_DATE,
  financialYearOf,
  financialYearPeriod,
  formatDay,
  periodFromCode,
  quarterOf,
  quarterPeriod,
  rangePeriod,
  type Period,
} from './figurePeriods.js';
import type { ExploitationType } from './statistics.js';

/** An outcome as a phrase: "Concerns about children with a joint investigation interview between ...". */
export const OUTCOME_PHRASES: Record<CaseOutcome, string> = {
  nrmReferral: 'an NRM referral',
  reasonableGrounds: 'a reasonable grounds decision',
  conclusiveGrounds: 'a conclusive grounds decision',
  dutyToNotify: 'a Duty to Notify',
  mashReferral: 'a MASH referral',
  jointInvestigationInterview: 'a joint investigation interview',
  policeInvestigation: 'a police investigation',
  supportAccepted: 'support accepted',
};

/**
 * How a figures question arrives: from the form's inputs, from a preset button, or back from the
 * answer card's export button (the question in a compact code, checked again like any input).
 */

export const FIGURE_FIELDS = ['period', 'from', 'to', 'basis', 'who', 'type', 'rows', 'columns'] as const;
export type FigureField = (typeof FIGURE_FIELDS)[number];

/** The questions councils are asked, one click each. */
export const PRESETS = {
  childrenInterviewed: 'Children who had a joint investigation interview since a date',
  childSexualExploitation: 'Children with sexual exploitation concerns this quarter, by age and by ethnicity',
  adultNrmByYear: 'Adult concerns and NRM referrals, by financial year',
} as const;
export type PresetId = keyof typeof PRESETS;

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const dimension = z.enum(DIMENSION_IDS as [DimensionId, ...DimensionId[]]);
const basis = z.enum(['raised', ...OUTCOME_IDS] as [Basis, ...Basis[]]);
const who = z.enum(Object.keys(WHO) as [Who, ...Who[]]);
const exploitation = z.enum(Object.keys(EXPLOITATION_TYPES) as [ExploitationType, ...ExploitationType[]]);

/** A financial year or quarter code within reach: from 2000 to next year (a changed card could ask for year 9999). */
function reachablePeriod(code: string, today: string): Period | { error: string } {
  const period = periodFromCode(code);
  if ('error' in period) return period;
  if (period.from < EARLIEST_FIGURES_DATE || financialYearOf(period.from) > financialYearOf(today) + 1) return { error: 'Choose a period from the list.' };
  return period;
}

/** The form's inputs as a question, or a message per input. Columns are optional ("" or "none"). */
export function parseFigureForm(
  data: Record<string, unknown>,
  today: string,
): { ok: true; question: FigureQuestion } | { ok: false; errors: Partial<Record<FigureField, string>> } {
  const errors: Partial<Record<FigureField, string>> = {};
  const choice = text(data.period);
  const period = choice === 'range' ? checkedRange(text(data.from), text(data.to)) : reachablePeriod(choice, today);
  if ('error' in period) errors[choice === 'range' ? 'from' : 'period'] = period.error;
  const rows = dimension.safeParse(text(data.rows));
  if (!rows.success) errors.rows = 'Choose what the rows are.';
  const columnsText = text(data.columns);
  const columns = columnsText === '' || columnsText === 'none' ? undefined : dimension.safeParse(columnsText);
  if (columns && !columns.success) errors.columns = 'Choose what the columns are, or none.';
  if (columns?.success && rows.success && columns.data === rows.data) errors.columns = 'Choose something other than the rows, or none.';
  const readBasis = basis.safeParse(text(data.basis) || 'raised');
  if (!readBasis.success) errors.basis = 'Choose which date the period is read against.';
  const readWho = who.safeParse(text(data.who) || 'all');
  if (!readWho.success) errors.who = 'Choose whose concerns to count.';
  const typeText = text(data.type);
  const type = typeText === '' || typeText === 'any' ? undefined : exploitation.safeParse(typeText);
  if (type && !type.success) errors.type = 'Choose an exploitation type, or any.';
  if (Object.keys(errors).length || 'error' in period || !rows.success || !readBasis.success || !readWho.success) return { ok: false, errors };
  return {
    ok: true,
    question: {
      period,
      basis: readBasis.data,
      who: readWho.data,
      ...(type?.success ? { type: type.data } : {}),
      tables: [{ rows: rows.data, ...(columns?.success ? { columns: columns.data } : {}) }],
    },
  };
}

/** What a preset needs that only the moment knows: today, the date typed for "since", the earliest concern. */
export interface PresetContext {
  today: string;
  since?: unknown;
  /** The local date the earliest concern was raised, if there is any. */
  earliestRaisedOn?: string;
}

/** A preset as a question, or what is wrong (the "since" date). */
export function presetQuestion(id: PresetId, context: PresetContext): FigureQuestion | { error: string } {
  const { today } = context;
  switch (id) {
    case 'childrenInterviewed': {
      const period = checkedRange(text(context.since), today);
      if ('error' in period) return { error: text(context.since) > today ? 'The date is after today.' : period.error };
      return { period, basis: 'jointInvestigationInterview', who: 'children', tables: [{ rows: 'ageBand' }] };
    }
    case 'childSexualExploitation': {
      const now = quarterOf(today);
      return {
        period: quarterPeriod(now.year, now.quarter),
        basis: 'raised',
        who: 'children',
        type: 'sexual',
        tables: [{ rows: 'ageYears' }, { rows: 'ethnicity' }],
      };
    }
    case 'adultNrmByYear': {
      const last = financialYearPeriod(financialYearOf(today));
      const firstYear = Math.min(financialYearOf(context.earliestRaisedOn ?? today), financialYearOf(today));
      const period =
        firstYear >= financialYearOf(today) ? last : rangePeriod(`${Math.max(firstYear, Number(EARLIEST_FIGURES_DATE.slice(0, 4)))}-04-01`, last.to);
      return { period, basis: 'raised', who: 'adults', tables: [{ rows: 'financialYear', columns: 'nrmReferral' }] };
    }
  }
}

/** The question as the answer card's export button carries it: short codes only. */
export function encodeQuestion(question: FigureQuestion): Record<string, string> {
  return {
    period: question.period.code,
    basis: question.basis,
    who: question.who,
    type: question.type ?? '',
    tables: question.tables.map((t) => (t.columns ? `${t.rows}*${t.columns}` : t.rows)).join(','),
  };
}

const encodedSchema = z.object({
  period: z.string().max(40),
  basis,
  who,
  type: z.union([z.literal(''), exploitation]),
  tables: z
    .string()
    .max(200)
    .transform((s) => s.split(',').map((t) => t.split('*')))
    .pipe(
      z
        .array(z.union([z.tuple([dimension]), z.tuple([dimension, dimension])]))
        .min(1)
        .max(4),
    ),
});

/** The question an export button carried, checked as strictly as the form; undefined when it is not one the app makes. */
export function decodeQuestion(data: Record<string, unknown>, today: string): FigureQuestion | undefined {
  const parsed = encodedSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const period = parsed.data.period.startsWith('range:') ? periodFromCode(parsed.data.period) : reachablePeriod(parsed.data.period, today);
  if ('error' in period) return undefined;
  const tables: TableSpec[] = parsed.data.tables.map(([rows, columns]) => ({ rows, ...(columns && columns !== rows ? { columns } : {}) }));
  return { period, basis: parsed.data.basis, who: parsed.data.who, ...(parsed.data.type ? { type: parsed.data.type } : {}), tables };
}

/** The dates a period can be read against, for the form. */
export const BASIS_CHOICES: { title: string; value: Basis }[] = [
  { title: 'The date the concern was raised', value: 'raised' },
  ...OUTCOME_IDS.map((o) => ({ title: `The date of ${OUTCOME_PHRASES[o]}`, value: o })),
];

/** The period as words after "raised" or an outcome: "in financial year 2027-28 (...)" or "between 1 April 2018 and 12 May 2027". */
export function periodPhrase(period: Period): string {
  return period.code.startsWith('range:') ? `between ${formatDay(period.from)} and ${formatDay(period.to)}` : `in ${period.label}`;
}

/** The question in words, as the card's heading and the CSV's first line say it. */
export function describeQuestion(question: FigureQuestion): string {
  const who = { all: 'Concerns', children: 'Concerns about children', adults: 'Concerns about adults' }[question.who];
  const type = question.type ? ` with ${EXPLOITATION_TYPES[question.type].replace(/ \(.*/, '').toLowerCase()} exploitation among their types,` : '';
  const basis = question.basis === 'raised' ? 'raised' : `with ${OUTCOME_PHRASES[question.basis]}`;
  const by = question.tables.map((t) => DIMENSIONS[t.rows].singular + (t.columns ? ` and ${DIMENSIONS[t.columns].singular}` : '')).join('; by ');
  return `${who}${type} ${basis} ${periodPhrase(question.period)}, by ${by}`;
}

/** Which date the period was read against, for the card and the CSV. */
export function describeBasis(basis: Basis): string {
  return basis === 'raised'
    ? 'The period is read against the date each concern was raised (UK time).'
    : `The period is read against the date of each concern's ${OUTCOME_PHRASES[basis].replace(/^(an?|the) /, '')}, as the Lead recorded it in the case details.`;
}

/** The question for the audit log: dimension names, who, type and dates; never anything typed. */
export function auditReason(question: FigureQuestion): string {
  const tables = question.tables.map((t) => (t.columns ? `${t.rows} x ${t.columns}` : t.rows)).join('; ');
  const type = question.type ? ` type ${question.type};` : '';
  return `${tables}; who ${question.who};${type} ${question.basis} ${question.period.from}..${question.period.to}`;
}
