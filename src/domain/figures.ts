import { CASE_OUTCOMES, DECIDED_OUTCOMES, ETHNICITIES, GENDERS, type CaseOutcome } from './caseDetails.js';
import { AGE_BANDS, EXPLOITATION_TYPES } from './concern.js';
import { financialYearName, financialYearOf, type Period } from './figurePeriods.js';
import { GROUP_IDS, GROUP_INFO } from './groups.js';
import { nationalityName } from './nationalities.js';
import type { ExploitationType, StatisticsRow } from './statistics.js';
import type { CountTable } from './suppression.js';

/**
 * Figures are counts of concerns (one concern is one potential victim) from the statistics
 * projection, by one or two dimensions, over a period read either as the date the concern was
 * raised or as the date of one of its outcomes. Pure: the services keep the rows, this counts them.
 */

/** A projection row with the local date (protocol time zone) on which the concern was raised. */
export type IndexedRow = StatisticsRow & { raisedOn: string };

export const WHO = { all: 'All concerns', children: 'Children (treated as a child)', adults: 'Adults' } as const;
export type Who = keyof typeof WHO;

export type DimensionId = 'ageBand' | 'ageYears' | 'exploitation' | 'group' | 'gender' | 'nationality' | 'ethnicity' | 'financialYear' | CaseOutcome;

/** What the card's choice lists say, and how each dimension behaves. */
export const DIMENSIONS: Record<DimensionId, { label: string; singular: string; additive: boolean }> = {
  ageBand: { label: 'Age band', singular: 'age band', additive: true },
  ageYears: { label: 'Age in years (children)', singular: 'age', additive: true },
  exploitation: { label: 'Exploitation type', singular: 'exploitation type', additive: false },
  group: { label: 'Group', singular: 'group', additive: true },
  gender: { label: 'Gender', singular: 'gender', additive: true },
  nationality: { label: 'Nationality', singular: 'nationality', additive: true },
  ethnicity: { label: 'Ethnicity (ONS 2021)', singular: 'ethnicity', additive: true },
  financialYear: { label: 'Financial year raised', singular: 'financial year', additive: true },
  ...(Object.fromEntries(Object.entries(CASE_OUTCOMES).map(([id, label]) => [id, { label, singular: label.toLowerCase(), additive: true }])) as Record<
    CaseOutcome,
    { label: string; singular: string; additive: boolean }
  >),
};
export const DIMENSION_IDS = Object.keys(DIMENSIONS) as DimensionId[];
export const OUTCOME_IDS = Object.keys(CASE_OUTCOMES) as CaseOutcome[];

/** Which date the period is read against: when the concern was raised, or when an outcome happened. */
export type Basis = 'raised' | CaseOutcome;

export interface TableSpec {
  rows: DimensionId;
  columns?: DimensionId;
}

/** A question the figures answer: who, which exploitation type (if one), which period on which date, and the tables. */
export interface FigureQuestion {
  period: Period;
  basis: Basis;
  who: Who;
  type?: ExploitationType;
  tables: TableSpec[];
}

/** One table of an answer: the dimensions, the labels of their categories and the counts (before suppression). */
export interface FigureTable {
  spec: TableSpec;
  rowLabels: string[];
  columnLabels: string[];
  counts: CountTable;
}

const NOT_RECORDED = { key: 'notRecorded', label: 'Not recorded' };
const ETHNICITY_HEADINGS_SHORT = { asian: 'Asian', black: 'Black', mixed: 'Mixed', white: 'White', other: 'Other' } as const;
type Category = { key: string; label: string };

/** The categories a row falls in on a dimension: exactly one, except exploitation types (one or more). */
export function categoriesOf(dimension: DimensionId, row: IndexedRow): string[] {
  switch (dimension) {
    case 'ageBand':
      return [row.ageBand in AGE_BANDS ? row.ageBand : 'unknown'];
    case 'ageYears':
      return [row.ageYears === undefined ? NOT_RECORDED.key : row.ageYears >= 18 ? '18plus' : String(row.ageYears)];
    case 'exploitation':
      return row.types.length ? row.types.filter((t) => t in EXPLOITATION_TYPES) : ['other'];
    case 'group':
      return [row.group];
    case 'gender':
      return [row.gender ?? NOT_RECORDED.key];
    case 'nationality':
      return [row.nationality ?? NOT_RECORDED.key];
    case 'ethnicity':
      return [row.ethnicity ?? NOT_RECORDED.key];
    case 'financialYear':
      return [String(financialYearOf(row.raisedOn))];
    default: {
      const outcome = row.outcomes[dimension];
      if (!outcome) return [NOT_RECORDED.key];
      if (!(DECIDED_OUTCOMES as readonly string[]).includes(dimension)) return ['recorded'];
      return [outcome.decision ?? 'noDecision'];
    }
  }
}

const entries = (o: Record<string, string>): Category[] => Object.entries(o).map(([key, label]) => ({ key, label }));

/** Every category a dimension shows, in order; nationalities and years only as far as the rows reach. */
function categories(dimension: DimensionId, rows: readonly IndexedRow[], question: FigureQuestion): Category[] {
  switch (dimension) {
    case 'ageBand':
      return entries(AGE_BANDS);
    case 'ageYears':
      return [...Array.from({ length: 18 }, (_, age) => ({ key: String(age), label: String(age) })), { key: '18plus', label: '18 or over' }, NOT_RECORDED];
    case 'exploitation':
      return entries(EXPLOITATION_TYPES);
    case 'group':
      return GROUP_IDS.map((g) => ({ key: g, label: GROUP_INFO[g].name }));
    case 'gender':
      return [...entries(GENDERS), NOT_RECORDED];
    case 'ethnicity':
      return [
        ...Object.entries(ETHNICITIES).map(([key, e]) => ({ key, label: `${ETHNICITY_HEADINGS_SHORT[e.heading]}: ${e.label}` })),
        { key: 'notKnown', label: 'Not known' },
        NOT_RECORDED,
      ];
    case 'nationality':
      return nationalities(rows);
    case 'financialYear':
      return financialYears(rows, question);
    default:
      return (DECIDED_OUTCOMES as readonly string[]).includes(dimension)
        ? [
            { key: 'positive', label: 'Positive' },
            { key: 'negative', label: 'Negative' },
            { key: 'noDecision', label: 'Recorded without the decision' },
            NOT_RECORDED,
          ]
        : [{ key: 'recorded', label: 'Recorded' }, NOT_RECORDED];
  }
}

/** The nationalities the rows hold, most frequent first (then by name), with "not recorded" last. */
function nationalities(rows: readonly IndexedRow[]): Category[] {
  const counts = new Map<string, number>();
  for (const row of rows) if (row.nationality) counts.set(row.nationality, (counts.get(row.nationality) ?? 0) + 1);
  const found = [...counts.entries()]
    .map(([key, n]) => ({ key, label: nationalityName(key), n }))
    .sort((a, b) => b.n - a.n || a.label.localeCompare(b.label, 'en-GB'))
    .map(({ key, label }) => ({ key, label }));
  return [...found, NOT_RECORDED];
}

/** The financial years from the period's start to its end (when read on the raised date) and any the rows reach. */
function financialYears(rows: readonly IndexedRow[], question: FigureQuestion): Category[] {
  let first = financialYearOf(question.period.from);
  let last = financialYearOf(question.period.to);
  if (question.basis !== 'raised') [first, last] = [Infinity, -Infinity];
  for (const row of rows) {
    const year = financialYearOf(row.raisedOn);
    first = Math.min(first, year);
    last = Math.max(last, year);
  }
  if (!Number.isFinite(first)) return [{ key: String(financialYearOf(question.period.to)), label: financialYearName(financialYearOf(question.period.to)) }];
  return Array.from({ length: last - first + 1 }, (_, i) => ({ key: String(first + i), label: financialYearName(first + i) }));
}

/** Whether a row is counted at all: who, the exploitation type, and its date (raised, or the outcome's) within the period. */
export function isCounted(row: IndexedRow, question: FigureQuestion): boolean {
  if (question.who === 'children' && !row.child) return false;
  if (question.who === 'adults' && row.child) return false;
  if (question.type && !row.types.includes(question.type)) return false;
  const date = question.basis === 'raised' ? row.raisedOn : row.outcomes[question.basis]?.date;
  return date !== undefined && date >= question.period.from && date <= question.period.to;
}

/** The rows a question counts. */
export function countedRows(rows: Iterable<IndexedRow>, question: FigureQuestion): IndexedRow[] {
  const counted: IndexedRow[] = [];
  for (const row of rows) if (isCounted(row, question)) counted.push(row);
  return counted;
}

/**
 * Counts one table: each counted concern adds one to every cell it falls in, to its row and column
 * totals, and once to the grand total. A table without a column dimension has one column, "Concerns".
 */
export function countTable(rows: readonly IndexedRow[], spec: TableSpec, question: FigureQuestion): FigureTable {
  const rowCategories = categories(spec.rows, rows, question);
  const columnCategories = spec.columns ? categories(spec.columns, rows, question) : [{ key: 'concerns', label: 'Concerns' }];
  const rowIndex = new Map(rowCategories.map((c, i) => [c.key, i]));
  const columnIndex = new Map(columnCategories.map((c, i) => [c.key, i]));
  const counts = rowCategories.map(() => columnCategories.map(() => 0));
  const rowTotals = rowCategories.map(() => 0);
  const columnTotals = columnCategories.map(() => 0);
  let total = 0;
  for (const row of rows) {
    const across = categoriesOf(spec.rows, row).map((k) => rowIndex.get(k) ?? -1);
    const down = spec.columns ? categoriesOf(spec.columns, row).map((k) => columnIndex.get(k) ?? -1) : [0];
    if (across.includes(-1) || down.includes(-1))
      throw new Error(`A concern falls outside the categories of ${spec.rows}${spec.columns ? ` x ${spec.columns}` : ''}`);
    for (const r of across) {
      rowTotals[r]!++;
      for (const c of down) counts[r]![c]!++;
    }
    for (const c of down) columnTotals[c]!++;
    total++;
  }
  return {
    spec,
    rowLabels: rowCategories.map((c) => c.label),
    columnLabels: columnCategories.map((c) => c.label),
    counts: {
      rowKeys: rowCategories.map((c) => c.key),
      columnKeys: columnCategories.map((c) => c.key),
      counts,
      rowTotals,
      columnTotals,
      total,
      rowsAdditive: DIMENSIONS[spec.rows].additive,
      columnsAdditive: spec.columns ? DIMENSIONS[spec.columns].additive : true,
      rowName: DIMENSIONS[spec.rows].singular,
      ...(spec.columns ? { columnName: DIMENSIONS[spec.columns].singular } : {}),
    },
  };
}

/**
 * Suppression of a two-way table takes time that grows quickly with the hidden counts (a 240 x 23
 * nationality by ethnicity table took over 40 seconds), and an answer must come within Teams' 5
 * seconds, so a table with columns has at most this many rows and cells (measured: under 0.6 s).
 */
export const MAX_CROSS_ROWS = 40;
export const MAX_CROSS_CELLS = 600;

/** Why a table is too big to answer, or undefined. Only nationality can have so many rows. */
export function tooDetailed(table: FigureTable): string | undefined {
  const rows = table.rowLabels.length;
  const columns = table.columnLabels.length;
  if (!table.spec.columns || (rows <= MAX_CROSS_ROWS && rows * columns <= MAX_CROSS_CELLS)) return undefined;
  const name = `${DIMENSIONS[table.spec.rows].label} by ${DIMENSIONS[table.spec.columns].label.toLowerCase()}`;
  return `${name} would have ${rows} rows and ${columns} columns: too many to check for small numbers in time. Ask without columns, or for a table of at most ${MAX_CROSS_ROWS} rows and ${MAX_CROSS_CELLS} cells.`;
}

/** Every table of a question, over the same counted concerns. */
export function answerQuestion(rows: Iterable<IndexedRow>, question: FigureQuestion): FigureTable[] {
  const counted = countedRows(rows, question);
  return question.tables.map((spec) => countTable(counted, spec, question));
}
