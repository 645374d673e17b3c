import { GENESIS, chainRowKey, hashRow, isChainRowKey, isMarkerRowKey, type ChainRow } from './auditLog.js';

/** What walking the audit chains found. */
export interface ChainReport {
  days: number;
  /** Rows checked (one per event; the id markers beside them are not counted). */
  rows: number;
  /** Each names the day and row: changed, inserted, or missing (deleted). Empty when every chain is intact. */
  problems: string[];
}

type StoredRow = Record<string, unknown> & { partitionKey?: string; rowKey?: string };

function describe(row: ChainRow): string {
  return `row ${row.seq} (${row.at} ${row.action} by ${row.actorId})`;
}

/**
 * Walks every day's chain in sequence and names what does not fit:
 * - a row whose content no longer matches its own hash was changed;
 * - a row whose link does not match the hash of the row before it was inserted, or replaced;
 * - a gap in the sequence is a deleted row;
 * - a row outside the chain's key scheme was inserted by hand.
 * A row deleted from the very end of a day leaves no trace in that day's chain; the app's identity
 * cannot delete audit rows at all (infra/ gives it read and insert only).
 */
export async function walkAuditChains(rows: AsyncIterable<StoredRow>): Promise<ChainReport> {
  const days = new Map<string, ChainRow[]>();
  const problems: string[] = [];
  let count = 0;
  for await (const stored of rows) {
    const day = stored.partitionKey ?? '';
    const rowKey = stored.rowKey ?? '';
    if (isMarkerRowKey(rowKey)) continue;
    count += 1;
    const row = stored as unknown as ChainRow;
    if (!isChainRowKey(rowKey) || typeof row.seq !== 'number' || chainRowKey(row.seq) !== rowKey) {
      problems.push(`${day}: row "${rowKey}" is not part of the chain (inserted)`);
      continue;
    }
    const chain = days.get(day) ?? [];
    chain.push(row);
    days.set(day, chain);
  }
  for (const [day, chain] of [...days.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    chain.sort((a, b) => a.seq - b.seq);
    let previous: ChainRow | undefined;
    for (const row of chain) {
      const expectedSeq = (previous?.seq ?? 0) + 1;
      if (row.seq > expectedSeq) {
        problems.push(`${day}: ${row.seq - expectedSeq === 1 ? `row ${expectedSeq} is` : `rows ${expectedSeq} to ${row.seq - 1} are`} missing (deleted)`);
      }
      const { hash, ...content } = row;
      if (hashRow(content) !== hash) problems.push(`${day}: ${describe(row)} was changed after it was written`);
      else if (row.seq === expectedSeq && row.prevHash !== (previous?.hash ?? GENESIS)) {
        problems.push(`${day}: ${describe(row)} does not link to row ${previous?.seq ?? 0} before it: one of the two was replaced or inserted`);
      }
      previous = row;
    }
  }
  return { days: days.size, rows: count, problems };
}
