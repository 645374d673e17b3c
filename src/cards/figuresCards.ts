import { formatLocalDateTime } from '../domain/calendar.js';
import { EXPLOITATION_TYPES } from '../domain/concern.js';
import { BASIS_CHOICES, FIGURE_FIELDS, PRESETS, type FigureField } from '../domain/figureQuestions.js';
import { DIMENSION_IDS, DIMENSIONS, WHO } from '../domain/figures.js';
import { financialYearOf, periodChoices, type Period } from '../domain/figurePeriods.js';
import type { Shown, SuppressedTable } from '../domain/suppression.js';
import { choicesOf, formProblems, noticeView, type Notice } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderCard, renderFitting, shrinking, type Card } from './renderCard.js';
import figuresAnswerJson from './templates/figuresAnswer.json';
import figuresFormJson from './templates/figuresForm.json';
import { VERBS, type Verb } from './verbs.js';

type Choice = { title: string; value: string };
type FormField = FigureField | 'since';
const FORM_FIELDS: readonly FormField[] = [...FIGURE_FIELDS, 'since'];

interface FiguresFormView {
  values: Record<FormField, string>;
  errors: Record<FormField, string>;
  hasErrors: boolean;
  errorSummary: string;
  periods: Choice[];
  bases: Choice[];
  who: Choice[];
  types: Choice[];
  dimensions: Choice[];
  columnChoices: Choice[];
  presets: { id: string; title: string }[];
  verbs: { show: Verb; preset: Verb };
}
const formTemplate = cardTemplate<FiguresFormView>(figuresFormJson);

/** What a returned form keeps of each input: short text only (every input is a choice or a date). */
function kept(values: Record<string, unknown>, field: FormField): string | undefined {
  const value = values[field];
  return typeof value === 'string' ? value.slice(0, 40) : undefined;
}

/**
 * The figures form: the presets (one click each; the first reads the "since" date) and a question
 * of one's own: period, which date it is read against, whose concerns, an exploitation type, rows
 * and optional columns. On a problem it comes back with the answers kept and the problem marked.
 */
export function figuresFormCard(today: string, options: { values?: Record<string, unknown>; errors?: Partial<Record<FormField, string>> } = {}): Card {
  const given = options.values ?? {};
  const defaults: Record<FormField, string> = {
    period: `fy:${financialYearOf(today)}`,
    from: `${financialYearOf(today)}-04-01`,
    to: today,
    basis: 'raised',
    who: 'all',
    type: 'any',
    rows: 'ageBand',
    columns: 'none',
    since: `${financialYearOf(today)}-04-01`,
  };
  const values = Object.fromEntries(FORM_FIELDS.map((f) => [f, kept(given, f) ?? defaults[f]])) as Record<FormField, string>;
  const dimensions = DIMENSION_IDS.map((id) => ({ title: DIMENSIONS[id].label, value: id }));
  return renderCard(formTemplate, {
    values,
    ...formProblems(FORM_FIELDS, options.errors ?? {}, 'no figures have been counted yet'),
    periods: periodChoices(today),
    bases: BASIS_CHOICES,
    who: choicesOf(WHO),
    types: [{ title: 'Any', value: 'any' }, ...choicesOf(EXPLOITATION_TYPES)],
    dimensions,
    columnChoices: [{ title: 'None', value: 'none' }, ...dimensions],
    presets: Object.entries(PRESETS).map(([id, title]) => ({ id, title })),
    verbs: { show: VERBS.showFigures, preset: VERBS.figuresPreset },
  });
}

/** What the answer card shows (the service's answer has this shape). */
export interface FiguresAnswerInput {
  question: { period: Period };
  encoded: Record<string, string>;
  title: string;
  basis: string;
  asOf: string;
  tables: { rowsName: string; columnsName: string | undefined; rowLabels: string[]; columnLabels: string[]; figures: SuppressedTable }[];
}

type Cell = { text: string; weight: 'Bolder' | 'Default' };
type Row = { style: 'accent' | 'default'; cells: Cell[] };
interface TableView {
  heading: string;
  columns: { width: number; align: 'Left' | 'Right' }[];
  rows: Row[];
  more: string;
  rule: string;
}
interface FiguresAnswerView {
  notice: string;
  noticeStyle: 'good' | 'attention';
  title: string;
  facts: { title: string; value: string }[];
  tables: TableView[];
  exportData: Record<string, string>;
  verbs: { export: Verb; open: Verb };
}
const answerTemplate = cardTemplate<FiguresAnswerView>(figuresAnswerJson);

/** At most this many rows of a table on the card, and columns of a two-way table; the CSV has them all. */
export const FIGURES_CARD_ROWS = 25;
export const FIGURES_CARD_COLUMNS = 8;

const shown = (value: Shown | undefined): string => String(value ?? '');
const cell = (text: string, bold = false): Cell => ({ text, weight: bold ? 'Bolder' : 'Default' });

function tableView(table: FiguresAnswerInput['tables'][number], maxRows: number): TableView {
  const { figures } = table;
  const wide = table.columnLabels.length > FIGURES_CARD_COLUMNS;
  const twoWay = table.columnsName !== undefined && !wide;
  const labels = twoWay ? [...table.columnLabels.map((l) => escapeMarkdown(l)), 'Total'] : ['Concerns'];
  const valuesOf = (r: number) =>
    twoWay ? [...(figures.cells[r] ?? []).map(shown), shown(figures.rowTotals[r])] : [shown(table.columnsName ? figures.rowTotals[r] : figures.cells[r]?.[0])];
  const totals = twoWay ? [...figures.columnTotals.map(shown), shown(figures.total)] : [shown(figures.total)];
  const shownRows = Math.min(table.rowLabels.length, maxRows);
  const hidden = table.rowLabels.length - shownRows;
  const notes = [
    hidden > 0 ? `${hidden} more rows are in the CSV (the total counts them all).` : '',
    wide
      ? `The ${table.columnLabels.length} columns (${table.columnsName}) are too many for a Teams card: the rows' totals are shown here, and the whole table is in the CSV.`
      : '',
  ].filter(Boolean);
  return {
    heading: twoWay || wide ? `${table.rowsName} by ${table.columnsName}` : `By ${table.rowsName.toLowerCase()}`,
    columns: [{ width: 3, align: 'Left' }, ...labels.map(() => ({ width: twoWay ? 2 : 1, align: 'Right' as const }))],
    rows: [
      { style: 'accent', cells: [cell(escapeMarkdown(table.rowsName), true), ...labels.map((l) => cell(l, true))] },
      ...table.rowLabels
        .slice(0, shownRows)
        .map((label, r): Row => ({ style: 'default', cells: [cell(escapeMarkdown(label)), ...valuesOf(r).map((v) => cell(v))] })),
      { style: 'default', cells: [cell('Total', true), ...totals.map((v) => cell(v, true))] },
    ],
    more: notes.join(' '),
    rule: figures.rule,
  };
}

/**
 * The answer: the question in words, the period and the date it was read against, then each
 * table with its totals and the suppression rule, exactly the figures the CSV holds. A table with
 * more rows than the card holds shows the first ones (the same figures, never regrouped, so
 * nothing can be worked out by setting the card beside the CSV) and says the CSV has the rest.
 */
export function figuresAnswerCard(answer: FiguresAnswerInput, timeZone: string, notice?: Notice): Card {
  const view = (maxRows: number) => ({
    ...noticeView(notice),
    title: escapeMarkdown(answer.title),
    facts: [
      { title: 'Period', value: escapeMarkdown(answer.question.period.label) },
      { title: 'Read against', value: escapeMarkdown(answer.basis) },
      { title: 'Counted', value: 'Concerns: each concern is one potential victim' },
      { title: 'As of', value: formatLocalDateTime(answer.asOf, timeZone) },
    ],
    tables: answer.tables.map((t) => tableView(t, maxRows)),
    exportData: { verb: VERBS.exportFigures, ...answer.encoded },
    verbs: { export: VERBS.exportFigures, open: VERBS.openFigures },
  });
  return renderFitting(answerTemplate, shrinking(FIGURES_CARD_ROWS, 0.7), view);
}
