/**
 * Small-number suppression, applied to every figure the bot shows or exports (issue 10).
 *
 * Primary: a count of 1 to 4 shows as '<5'; 0 shows as 0.
 *
 * Secondary: further counts (all 5 or more by then) show as '[c]' until no hidden figure can be
 * worked out from what is shown. Two checks decide "can be worked out", repeated to a fixed point;
 * each failure hides one more figure, so the loop ends (at worst with every non-zero figure hidden).
 *
 * 1. Subtraction, exactly. Only additive lines give equations: a row (cells = row total) when
 *    columns are additive, a column when rows are, and the row or column totals against the grand
 *    total. Picture the table with its totals as a grid: each figure lies on at most one row-line
 *    and one column-line, so the equations form a graph whose vertices are lines and whose edges
 *    are the hidden figures (a figure on only one additive line joins that line to a shared free
 *    vertex, "ground", which has no equation). With the totals' signs flipped every line sums to
 *    zero, so the unknowns a reader cannot pin down are exactly those on a cycle; a hidden figure
 *    is worked out by some combination of additions and subtractions if and only if it is a bridge
 *    of that graph. The usual rule, "no additive line has exactly one hidden figure", is the case of
 *    a line of degree one. It is not enough for two-way tables: two blocks of hidden cells joined by
 *    one hidden cell give every row and column two hidden figures, yet adding two rows and
 *    subtracting two columns leaves the joining cell on its own (test/domain/suppression.spec.ts
 *    has that table). So the check here is the bridge test.
 * 2. Bounds, by interval propagation. A reader knows '<5' is 1 to 4 and, since 1 to 4 would have
 *    shown as '<5' and 0 as 0, that '[c]' is 5 or more. Along additive lines those bounds can
 *    close in on one value: '<5', '[c]' and 40 in a column totalling 46 means 1 and 5; two '<5'
 *    in a row totalling 8 means 4 and 4. Each line's equation tightens its members' intervals,
 *    repeated over all lines; a hidden figure whose interval shrinks to one value is a leak.
 *
 * Fixing a leak hides the smallest visible non-zero figure (a cell before a total, then reading
 * order) on the leaking line; for a bridge with no such line, the smallest figure that closes a
 * cycle through it; failing that, the smallest on its lines, then anywhere on an additive line.
 *
 * Residual risk, accepted as in the usual small-table practice: interval propagation is not a full
 * linear-programming audit, so a reader solving for the tightest bounds over all lines at once may
 * still narrow a hidden figure to a range (rarely, to one value) that propagation line by line
 * misses; and narrowing to a range (a '<5' that must be 3 or 4) is not treated as a leak.
 * Non-additive lines (a concern with several exploitation types) give only inequalities: the
 * total is at least the largest cell and at most the sum of the cells (every concern has at least
 * one type). The bounds check uses them too, so a row with one non-zero cell shown cannot give its
 * hidden total away; they never force subtraction-based hiding.
 */

import {
  HiddenGraph,
  SMALLEST_SHOWN,
  before,
  figureAt,
  kindAt,
  pinnedByBounds,
  validateShape,
  valueAt,
  type Figure,
  type Hiding,
  type CoverLine,
  type Line,
} from './suppressionGraph.js';

/** A table of counts: rows x columns, with totals. A one-way table has a single column. */
export interface CountTable {
  rowKeys: string[];
  columnKeys: string[];
  counts: number[][]; // counts[row][column]
  rowTotals: number[]; // per row: concerns in that row (NOT necessarily the sum of its cells when columns are not additive)
  columnTotals: number[]; // per column
  total: number; // concerns in the table
  /** True when every concern falls in exactly one row (the rows add up to the total); false e.g. for exploitation type, where a concern can have several. */
  rowsAdditive: boolean;
  columnsAdditive: boolean;
  /** What one row stands for, singular, e.g. 'exploitation type': names the dimension in `rule` when rows are not additive. */
  rowName?: string;
  /** What one column stands for, singular: names the dimension in `rule` when columns are not additive. */
  columnName?: string;
}

/** What a reader sees in a cell: a count, '<5' (a count of 1 to 4), or '[c]' (hidden so that a '<5' cannot be worked out). */
export type Shown = number | '<5' | '[c]';

export interface SuppressedTable {
  cells: Shown[][];
  rowTotals: Shown[];
  columnTotals: Shown[];
  total: Shown;
  /** Plain-English statement of the rules applied, for the card and the CSV. */
  rule: string;
  /** Counts of primary and secondary suppressions (for tests and the audit reason). A total that repeats another figure (a one-way table's row totals) is not counted again. */
  primary: number;
  secondary: number;
}

/**
 * Suppresses small numbers in a table of counts: 1 to 4 shows as '<5', 0 as 0, and further
 * figures as '[c]' until no hidden figure can be worked out from its row, its column or the
 * totals (see the module comment for how that is decided). Pure and deterministic; the input is
 * not changed. Throws a RangeError when the table's shape or its additivity claims are wrong.
 */
export function suppress(table: CountTable): SuppressedTable {
  validateShape(table);
  const rows = table.rowKeys.length;
  const columns = table.columnKeys.length;
  const width = columns + 1;
  const ground = rows + 1 + columns + 1;

  const figures: Figure[] = [];
  for (let a = 0; a <= rows; a++) {
    for (let b = 0; b <= columns; b++) {
      const lines: number[] = [];
      if (table.columnsAdditive) lines.push(a);
      if (table.rowsAdditive) lines.push(rows + 1 + b);
      figures.push({ index: a * width + b, kind: kindAt(a, b, rows, columns), value: valueAt(table, a, b), lines });
    }
  }

  const additiveLines: Line[] = [];
  if (table.columnsAdditive) {
    for (let a = 0; a <= rows; a++) {
      const members = Array.from({ length: width }, (_, b) => ({ figure: a * width + b, sign: b === columns ? (-1 as const) : (1 as const) }));
      additiveLines.push({ vertex: a, members, describe: a === rows ? 'the column totals' : `row '${table.rowKeys[a]}'` });
    }
  }
  if (table.rowsAdditive) {
    for (let b = 0; b <= columns; b++) {
      const members = Array.from({ length: rows + 1 }, (_, a) => ({ figure: a * width + b, sign: a === rows ? (-1 as const) : (1 as const) }));
      additiveLines.push({ vertex: rows + 1 + b, members, describe: b === columns ? 'the row totals' : `column '${table.columnKeys[b]}'` });
    }
  }
  // Non-additive directions still bound their totals (see CoverLine): a row across exploitation types, say.
  const covers: CoverLine[] = [];
  if (!table.columnsAdditive && columns > 1) {
    for (let a = 0; a <= rows; a++) covers.push({ cells: Array.from({ length: columns }, (_, b) => a * width + b), total: a * width + columns });
  }
  if (!table.rowsAdditive && rows > 1) {
    for (let b = 0; b <= columns; b++) covers.push({ cells: Array.from({ length: rows }, (_, a) => a * width + b), total: rows * width + b });
  }
  for (const line of additiveLines) {
    const sum = line.members.reduce((acc, m) => acc + m.sign * figureAt(figures, m.figure).value, 0);
    if (sum !== 0) throw new RangeError(`The counts in ${line.describe} do not add up to its total, but the table says they are additive`);
  }

  const hidden = new Map<number, Hiding>();
  for (const figure of figures) if (figure.value >= 1 && figure.value < SMALLEST_SHOWN) hidden.set(figure.index, 'primary');

  const linesOf = (figure: Figure) => additiveLines.filter((line) => figure.lines.includes(line.vertex));
  const smallestVisible = (candidates: Iterable<Figure>) => {
    let best: Figure | undefined;
    for (const f of candidates) if (f.value > 0 && !hidden.has(f.index) && (best === undefined || before(f, best))) best = f;
    return best;
  };
  const membersOf = (lines: Line[]) => lines.flatMap((line) => line.members.map((m) => figureAt(figures, m.figure)));

  for (;;) {
    const graph = new HiddenGraph(figures, hidden, ground);
    const workedOut = figures.find((f) => hidden.has(f.index) && graph.isBridge(f));
    let next: Figure | undefined;
    if (workedOut) {
      const loneLine = linesOf(workedOut).find((line) => line.members.filter((m) => hidden.has(m.figure)).length === 1);
      next =
        (loneLine && smallestVisible(membersOf([loneLine]))) ??
        smallestVisible(graph.cycleClosers(workedOut, figures)) ??
        smallestVisible(membersOf(linesOf(workedOut))) ??
        smallestVisible(figures.filter((f) => f.lines.length > 0));
      // Unreachable: with every non-zero figure hidden, the true values (totals negated) balance at every line, so the value on
      // a bridge between lines is 0; and a line tied only to ground holds at least two non-zero figures, a cell and its total.
      if (!next) throw new Error('Suppression found a figure it cannot protect by subtraction');
    } else {
      const pinned = pinnedByBounds(figures, additiveLines, hidden, covers);
      if (!pinned) break;
      const coverMembers = covers.filter((c) => c.total === pinned.index || c.cells.includes(pinned.index)).flatMap((c) => [...c.cells, c.total]);
      next =
        smallestVisible([...membersOf(linesOf(pinned)), ...coverMembers.map((i) => figureAt(figures, i))]) ??
        smallestVisible(figures.filter((f) => f.lines.length > 0));
      // Nothing left to hide but zeros: accept the residual risk rather than hide a 0 (the issue says zero shows as 0).
      if (!next) break;
    }
    hidden.set(next.index, 'secondary');
  }

  const shown = (f: Figure): Shown => {
    const hiding = hidden.get(f.index);
    return hiding === 'primary' ? '<5' : hiding === 'secondary' ? '[c]' : f.value;
  };
  const at = (a: number, b: number) => shown(figureAt(figures, a * width + b));
  const counted = (hiding: Hiding) => figures.filter((f) => hidden.get(f.index) === hiding && !repeatsAnotherFigure(f, table)).length;
  const primary = counted('primary');
  const secondary = counted('secondary');

  return {
    cells: Array.from({ length: rows }, (_, a) => Array.from({ length: columns }, (_, b) => at(a, b))),
    rowTotals: Array.from({ length: rows }, (_, a) => at(a, columns)),
    columnTotals: Array.from({ length: columns }, (_, b) => at(rows, b)),
    total: at(rows, columns),
    rule: describeRule(table, primary, secondary),
    primary,
    secondary,
  };
}

function describeRule(table: CountTable, primary: number, secondary: number): string {
  const sentences: string[] = [];
  if (primary === 0) {
    sentences.push('No count here is between 1 and 4, so every figure is shown as counted.');
  } else {
    sentences.push('Counts of 1 to 4 are shown as <5.');
    if (secondary > 0) {
      const further = secondary === 1 ? '1 further count is' : `${secondary} further counts are`;
      sentences.push(`${further} shown as [c] so that no hidden count can be worked out from the rest of its row, its column or the totals.`);
    }
  }
  if (!table.rowsAdditive && table.rowKeys.length > 1) sentences.push(severalPerConcern(table.rowName, 'row'));
  if (!table.columnsAdditive && table.columnKeys.length > 1) sentences.push(severalPerConcern(table.columnName, 'column'));
  return sentences.join(' ');
}

function severalPerConcern(name: string | undefined, dimension: 'row' | 'column'): string {
  const several = name ? `have more than one ${name}` : `be counted in more than one ${dimension}`;
  return `A concern can ${several}, so these counts can add up to more than the total.`;
}

/** A total that is the same figure as another by construction (a one-way table's row totals), so not counted twice. */
function repeatsAnotherFigure(f: Figure, table: CountTable): boolean {
  const oneColumn = table.columnsAdditive && table.columnKeys.length === 1;
  const oneRow = table.rowsAdditive && table.rowKeys.length === 1;
  if (f.kind === 'rowTotal' || f.kind === 'columnTotal') return oneColumn || oneRow;
  return f.kind === 'total' && oneColumn && oneRow;
}
