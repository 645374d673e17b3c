import type { CaseOutcome, Ethnicity, Gender } from './caseDetails.js';
import { CASE_OUTCOMES } from './caseDetails.js';
import type { AGE_BANDS, ConcernStatus, EXPLOITATION_TYPES } from './concern.js';
import type { ConcernRecord } from './concernRecord.js';
import type { GroupId } from './groups.js';

export type AgeBand = keyof typeof AGE_BANDS;
export type ExploitationType = keyof typeof EXPLOITATION_TYPES;

/** The age at which a person stops being a child. */
const ADULT_AGE = 18;

/**
 * One concern as the figures count it: the anonymised statistics projection. It holds categories,
 * an age, the instant the concern was raised and the outcomes' dates and decisions, and nothing
 * else: no text anyone typed, no place, no names, no references (not even the NRM reference).
 * It is kept beside its concern and written in the same transaction, so the two never disagree.
 */
export interface StatisticsRow {
  /** When the concern was raised (ISO instant); periods read it in the protocol's time zone. */
  raisedAt: string;
  status: ConcernStatus;
  /** The group handling it. */
  group: GroupId;
  ageBand: AgeBand;
  /** Treated as a child: the age band says so, the reporter ticked "may be a child", or the recorded age is under 18. */
  child: boolean;
  types: ExploitationType[];
  ageYears?: number;
  gender?: Gender;
  nationality?: string;
  ethnicity?: Ethnicity;
  outcomes: Partial<Record<CaseOutcome, { date: string; decision?: 'positive' | 'negative' }>>;
}

/** The projection's shape; a stored row of another version is rebuilt (npm run figures:rebuild). */
export const STATISTICS_VERSION = 1;

/**
 * The statistics projection of a concern: a pure function of the record, so the row kept beside
 * it can always be checked against (and rebuilt from) the record. Fields are set in a fixed order,
 * so two projections of the same facts serialise the same.
 */
export function statisticsRow(record: ConcernRecord): StatisticsRow {
  const details = record.caseDetails;
  const ageYears = details?.ageYears;
  const outcomes: StatisticsRow['outcomes'] = {};
  for (const outcome of Object.keys(CASE_OUTCOMES) as CaseOutcome[]) {
    const recorded = details?.outcomes[outcome];
    if (recorded) outcomes[outcome] = { date: recorded.date, ...(recorded.decision ? { decision: recorded.decision } : {}) };
  }
  return {
    raisedAt: record.createdAt,
    status: record.status,
    group: record.group,
    ageBand: record.intake.ageBand,
    child: record.treatedAsChild || (ageYears !== undefined && ageYears < ADULT_AGE),
    types: [...record.intake.exploitation],
    ...(ageYears !== undefined ? { ageYears } : {}),
    ...(details?.gender ? { gender: details.gender } : {}),
    ...(details?.nationality ? { nationality: details.nationality } : {}),
    ...(details?.ethnicity ? { ethnicity: details.ethnicity } : {}),
    outcomes,
  };
}
