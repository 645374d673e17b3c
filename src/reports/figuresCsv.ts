import { stringify } from 'csv-stringify/sync';
import { formatLocalDateTime } from '../domain/calendar.js';
import type { FigureQuestion } from '../domain/figures.js';
import type { Shown, SuppressedTable } from '../domain/suppression.js';

/** What the CSV holds: the question, the period and what it was read against, and each table as suppressed. */
export interface FiguresCsvInput {
  question: Pick<FigureQuestion, 'period'>;
  title: string;
  basis: string;
  asOf: string;
  tables: { rowsName: string; columnsName: string | undefined; rowLabels: string[]; columnLabels: string[]; figures: SuppressedTable }[];
}

const cell = (shown: Shown) => String(shown);

/**
 * Figures as a CSV file: first what was asked (the question, the period, the date it was read
 * against, that concerns are counted, when), then each table with its totals and the suppression
 * rule it applied, exactly as the card shows them (the same '<5' and '[c]'). UTF-8 with a byte
 * order mark and CRLF line ends, so Excel opens it as it is.
 */
export function figuresCsv(answer: FiguresCsvInput, timeZone: string): Buffer {
  const lines: string[][] = [
    ['Modern Slavery Protocol: figures'],
    ['Question', answer.title],
    ['Period', answer.question.period.label],
    ['Period read against', answer.basis],
    ['Counted', 'Concerns: each concern is one potential victim.'],
    ['Figures as of', formatLocalDateTime(answer.asOf, timeZone)],
  ];
  for (const table of answer.tables) {
    const { figures } = table;
    const twoWay = table.columnsName !== undefined;
    lines.push([]);
    if (twoWay) {
      lines.push([`${table.rowsName} (rows) by ${table.columnsName} (columns)`, ...table.columnLabels, 'Total']);
      table.rowLabels.forEach((label, r) => lines.push([label, ...(figures.cells[r] ?? []).map(cell), cell(figures.rowTotals[r] ?? 0)]));
      lines.push(['Total', ...figures.columnTotals.map(cell), cell(figures.total)]);
    } else {
      lines.push([table.rowsName, 'Concerns']);
      table.rowLabels.forEach((label, r) => lines.push([label, cell(figures.cells[r]?.[0] ?? 0)]));
      lines.push(['Total', cell(figures.total)]);
    }
    lines.push(['Suppression', figures.rule]);
  }
  return Buffer.from(stringify(lines, { bom: true, record_delimiter: 'windows' }), 'utf8');
}
