import type { CountTable } from './suppression.js';

/**
 * The arithmetic behind suppress(): the table as figures on additive lines, which hidden figures a
 * reader could still work out (as a bridge of the hidden-figure graph, or pinned by the bounds '<5'
 * and '[c]' imply), and the small helpers both sides use. Split out so each file reads in one go.
 */

export const SMALLEST_SHOWN = 5;
/** Propagation normally settles in a few rounds; the cap only bounds pathological slow narrowing (stopping early misses leaks, never invents them). */
export const MAX_PROPAGATION_ROUNDS = 200;

export type Kind = 'cell' | 'rowTotal' | 'columnTotal' | 'total';
export const KIND_ORDER: Record<Kind, number> = { cell: 0, rowTotal: 1, columnTotal: 2, total: 3 };

/** One figure of the table with its totals, as a grid of (rows + 1) x (columns + 1). */
export interface Figure {
  index: number;
  kind: Kind;
  value: number;
  /** The additive lines (graph vertices) this figure lies on: none, one or two. */
  lines: number[];
}

/** An additive line: its members' signed values add up to zero (cells +1, the line's total -1). */
export interface Line {
  vertex: number;
  members: { figure: number; sign: 1 | -1 }[];
  describe: string;
}

export type Hiding = 'primary' | 'secondary';

/** The hidden figures as edges between the additive lines they lie on (ground for a figure on one line only). */
export class HiddenGraph {
  private readonly edges = new Map<number, [number, number]>();
  private readonly adjacent = new Map<number, { figure: number; to: number }[]>();

  constructor(
    figures: readonly Figure[],
    hidden: ReadonlyMap<number, Hiding>,
    private readonly ground: number,
  ) {
    for (const f of figures) {
      if (!hidden.has(f.index)) continue;
      const ends = HiddenGraph.endsOf(f, ground);
      if (!ends) continue;
      this.edges.set(f.index, ends);
      this.link(ends[0], f.index, ends[1]);
      this.link(ends[1], f.index, ends[0]);
    }
  }

  static endsOf(f: Figure, ground: number): [number, number] | undefined {
    const [first, second] = f.lines;
    if (first === undefined) return undefined;
    return [first, second ?? ground];
  }

  /** True when no other path of hidden figures joins this figure's lines: some sum of the line equations isolates it. */
  isBridge(f: Figure): boolean {
    const ends = this.edges.get(f.index);
    return ends !== undefined && !this.reachable(ends[0], f.index).has(ends[1]);
  }

  /** Figures which, hidden as well, would put this bridge on a cycle: one end on each side of it. */
  cycleClosers(bridge: Figure, figures: readonly Figure[]): Figure[] {
    const ends = this.edges.get(bridge.index);
    if (!ends) return [];
    const near = this.reachable(ends[0], bridge.index);
    const far = this.reachable(ends[1], bridge.index);
    return figures.filter((f) => {
      const e = HiddenGraph.endsOf(f, this.ground);
      return e !== undefined && ((near.has(e[0]) && far.has(e[1])) || (far.has(e[0]) && near.has(e[1])));
    });
  }

  private link(from: number, figure: number, to: number) {
    const list = this.adjacent.get(from) ?? [];
    list.push({ figure, to });
    this.adjacent.set(from, list);
  }

  private reachable(start: number, withoutFigure: number): Set<number> {
    const seen = new Set([start]);
    const queue = [start];
    for (let vertex = queue.pop(); vertex !== undefined; vertex = queue.pop()) {
      for (const { figure, to } of this.adjacent.get(vertex) ?? []) {
        if (figure === withoutFigure || seen.has(to)) continue;
        seen.add(to);
        queue.push(to);
      }
    }
    return seen;
  }
}

/**
 * A non-additive line (a row across exploitation types): every concern in it is in at least one of
 * its cells (the intake asks for at least one type) and may be in several, so its total is at least
 * its largest cell and at most the sum of its cells. Not an equation, but bounds a reader can use:
 * a row with one non-zero cell shown gives its total away exactly.
 */
export interface CoverLine {
  cells: number[];
  total: number;
}

/**
 * Interval propagation over the additive lines, from what a reader knows: a shown count exactly,
 * '<5' as 1 to 4, '[c]' as 5 or more. Returns the first hidden figure narrowed to a single value.
 */
export function pinnedByBounds(
  figures: readonly Figure[],
  lines: readonly Line[],
  hidden: ReadonlyMap<number, Hiding>,
  covers: readonly CoverLine[] = [],
): Figure | undefined {
  const low = figures.map((f) => (hidden.has(f.index) ? (hidden.get(f.index) === 'primary' ? 1 : SMALLEST_SHOWN) : f.value));
  const high = figures.map((f) => (hidden.has(f.index) ? (hidden.get(f.index) === 'primary' ? SMALLEST_SHOWN - 1 : Infinity) : f.value));
  const bound = (values: number[], i: number) => values[i] ?? 0;
  /** Narrows figure `i` to [lo, hi] where that is narrower than it was; says whether it did. */
  const tighten = (i: number, lo: number, hi: number): boolean => {
    let narrowed = false;
    if (Number.isFinite(lo) && lo > bound(low, i)) {
      low[i] = lo;
      narrowed = true;
    }
    if (Number.isFinite(hi) && hi < bound(high, i)) {
      high[i] = hi;
      narrowed = true;
    }
    return narrowed;
  };

  for (let round = 0, changed = true; changed && round < MAX_PROPAGATION_ROUNDS; round++) {
    changed = false;
    for (const line of lines) {
      // Sum of sign * value over the line is 0; lowers are finite, uppers may be Infinity, so no NaN.
      const termLow = (m: Line['members'][number]) => (m.sign === 1 ? bound(low, m.figure) : -bound(high, m.figure));
      const termHigh = (m: Line['members'][number]) => (m.sign === 1 ? bound(high, m.figure) : -bound(low, m.figure));
      const sumLow = line.members.reduce((acc, m) => acc + termLow(m), 0);
      const sumHigh = line.members.reduce((acc, m) => acc + termHigh(m), 0);
      for (const m of line.members) {
        if (!hidden.has(m.figure)) continue;
        // sign * x = -(sum of the others): the others' range is the line's range less this term's.
        const othersLow = sumLow - termLow(m);
        const othersHigh = sumHigh - termHigh(m);
        const [lo, hi] = m.sign === 1 ? [-othersHigh, -othersLow] : [othersLow, othersHigh];
        if (tighten(m.figure, lo, hi)) changed = true;
      }
    }
    for (const cover of covers) {
      const cellsHigh = cover.cells.reduce((acc, c) => acc + bound(high, c), 0);
      if (tighten(cover.total, Math.max(...cover.cells.map((c) => bound(low, c))), cellsHigh)) changed = true;
      for (const c of cover.cells) {
        const othersHigh = cellsHigh - bound(high, c);
        if (tighten(c, bound(low, cover.total) - othersHigh, bound(high, cover.total))) changed = true;
      }
    }
  }
  return figures.find((f) => hidden.has(f.index) && bound(low, f.index) >= bound(high, f.index));
}

export function before(a: Figure, b: Figure): boolean {
  if (a.value !== b.value) return a.value < b.value;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] < KIND_ORDER[b.kind];
  return a.index < b.index;
}

export function kindAt(a: number, b: number, rows: number, columns: number): Kind {
  if (a < rows) return b < columns ? 'cell' : 'rowTotal';
  return b < columns ? 'columnTotal' : 'total';
}

export function valueAt(table: CountTable, a: number, b: number): number {
  const rows = table.rowKeys.length;
  const columns = table.columnKeys.length;
  if (a < rows) return (b < columns ? table.counts[a]?.[b] : table.rowTotals[a]) ?? NaN;
  return (b < columns ? table.columnTotals[b] : table.total) ?? NaN;
}

export function figureAt(figures: readonly Figure[], index: number): Figure {
  const figure = figures[index];
  if (!figure) throw new Error(`No figure at ${index}`);
  return figure;
}

export function validateShape(table: CountTable): void {
  const rows = table.rowKeys.length;
  const columns = table.columnKeys.length;
  if (rows === 0 || columns === 0) throw new RangeError('A table needs at least one row and one column');
  if (table.counts.length !== rows || table.counts.some((row) => row.length !== columns)) throw new RangeError('counts must have one entry per row and column');
  if (table.rowTotals.length !== rows) throw new RangeError('rowTotals must have one entry per row');
  if (table.columnTotals.length !== columns) throw new RangeError('columnTotals must have one entry per column');
  const all = [...table.counts.flat(), ...table.rowTotals, ...table.columnTotals, table.total];
  if (all.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new RangeError('Counts must be whole numbers, 0 or more');
}
