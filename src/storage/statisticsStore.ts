import { randomUUID } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { odata, type TableClient } from '@azure/data-tables';
import type { ConcernRecord } from '../domain/concernRecord.js';
import type { IndexedRow } from '../domain/figures.js';
import { STATISTICS_VERSION, statisticsRow } from '../domain/statistics.js';
import { getOrUndefined, ignoringRace, isConflict, isNotFound, isStale } from './tables.js';

/** The projection's row in each concern's partition, written in the concern's own transactions. */
export const STATISTICS_ROW = 'stats';
/** The partition of the concerns table that holds the index snapshot (no concern id looks like this). */
const SNAPSHOT_PARTITION = 'statistics';
const HEAD = 'head';
const partRow = (generation: string, n: number) => `part|${generation}|${String(n).padStart(5, '0')}`;
/** Binary properties hold at most 64 KiB and an entity 1 MiB: 15 chunks of 60,000 bytes stay well inside both. */
const CHUNK_BYTES = 60_000;
const CHUNKS_PER_PART = 15;

type StatisticsEntity = { partitionKey: string; rowKey: string; v: number; stats: string };

/** The projection row of a concern, as stored beside it. */
export function statisticsEntity(record: ConcernRecord): StatisticsEntity {
  return { partitionKey: record.id, rowKey: STATISTICS_ROW, v: STATISTICS_VERSION, stats: JSON.stringify(statisticsRow(record)) };
}

/** A stored projection row: the concern it belongs to, the row, and when the service last wrote it. */
export interface StoredStatistics {
  concernId: string;
  /** The row as stored (JSON), so a rebuild compares exactly what is there. */
  json: string;
  version: number;
  /** The service's Timestamp of the row, in milliseconds. */
  changedAt: number;
  etag: string;
}

/** The in-memory index as saved, so a restart reads a few entities instead of every row. */
export interface StatisticsSnapshot {
  /** Changes only when the projection is rebuilt: an index loaded under an older epoch reloads. */
  epoch: string;
  /** Every row changed up to this instant (service time, ms) is in the snapshot. */
  syncedTo: number;
  /** The time zone the rows' local dates (raisedOn) were worked out in. */
  timeZone: string;
  version: number;
  rows: [concernId: string, row: IndexedRow][];
}

export interface SnapshotHead {
  epoch: string;
  generation: string;
  parts: number;
}

/**
 * The statistics projection: its rows beside the concerns, read whole (to build or rebuild the
 * index) or as the rows changed since an instant (to keep an index current), and the snapshot of
 * an index. Writing a concern's row is ConcernStore's job, in the concern's transaction.
 */
export class StatisticsStore {
  constructor(private readonly table: TableClient) {}

  /** Every projection row. One scan of the table (its only index is the keys). */
  async all(): Promise<StoredStatistics[]> {
    return this.rows(odata`RowKey eq ${STATISTICS_ROW}`);
  }

  /** The projection rows the service changed at or after an instant. */
  async changedSince(since: number): Promise<StoredStatistics[]> {
    return this.rows(odata`RowKey eq ${STATISTICS_ROW} and Timestamp ge ${new Date(since)}`);
  }

  /** Every concern record, for a rebuild. */
  async *records(): AsyncIterable<ConcernRecord> {
    const rows = this.table.listEntities<{ record: string }>({ queryOptions: { filter: odata`RowKey eq 'concern'`, select: ['record'] } });
    for await (const row of rows) yield JSON.parse(row.record) as ConcernRecord;
  }

  /**
   * Writes a concern's row as a rebuild worked it out, unless the row changed since the rebuild
   * read it (`etag`; undefined: it did not exist): then the concern's own transaction wrote it,
   * which is newer. Returns whether it was written.
   */
  async repair(record: ConcernRecord, etag: string | undefined): Promise<boolean> {
    try {
      if (etag) await this.table.updateEntity(statisticsEntity(record), 'Replace', { etag });
      else await this.table.createEntity(statisticsEntity(record));
      return true;
    } catch (error) {
      if (isStale(error) || isConflict(error)) return false;
      throw error;
    }
  }

  /** Removes a projection row whose concern is gone (unless it changed since it was read). */
  async remove(concernId: string, etag: string): Promise<void> {
    await ignoringRace(() => this.table.deleteEntity(concernId, STATISTICS_ROW, { etag }));
  }

  /** Which snapshot is current, in one point read. */
  async head(): Promise<SnapshotHead | undefined> {
    const head = await getOrUndefined<SnapshotHead>(this.table, SNAPSHOT_PARTITION, HEAD);
    return head && { epoch: head.epoch, generation: head.generation, parts: head.parts };
  }

  /** The current snapshot, or undefined (none yet, or a writer replaced it while it was read). */
  async readSnapshot(): Promise<StatisticsSnapshot | undefined> {
    const head = await this.head();
    if (!head) return undefined;
    const parts = await Promise.all(
      Array.from({ length: head.parts }, (_, n) => getOrUndefined<Record<string, unknown>>(this.table, SNAPSHOT_PARTITION, partRow(head.generation, n))),
    );
    if (parts.some((p) => p === undefined)) return undefined;
    const chunks = parts.flatMap((p) => Array.from({ length: Number(p!.chunks) }, (_, i) => p![`c${i}`] as Uint8Array));
    const bytes = Buffer.concat(chunks);
    return JSON.parse(inflateSync(bytes).toString('utf8')) as StatisticsSnapshot;
  }

  /**
   * Saves a snapshot: its parts under a new generation, then the head pointing at them, then the
   * previous generation's parts are removed. A reader never sees half a snapshot: it reads the
   * head first and gives up (and reads the rows instead) if a part has gone.
   */
  async writeSnapshot(snapshot: StatisticsSnapshot): Promise<void> {
    const previous = await this.head();
    // zlib's fastest level: the ids (random) are most of it, and restarts read it often.
    const bytes = deflateSync(Buffer.from(JSON.stringify(snapshot), 'utf8'), { level: 1 });
    const generation = randomUUID();
    // Copies (slice), not views (subarray): the Tables SDK encodes a binary property's whole underlying buffer.
    const chunks = Array.from({ length: Math.ceil(bytes.length / CHUNK_BYTES) || 1 }, (_, i) => bytes.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    const parts = Math.ceil(chunks.length / CHUNKS_PER_PART);
    for (let n = 0; n < parts; n++) {
      const mine = chunks.slice(n * CHUNKS_PER_PART, (n + 1) * CHUNKS_PER_PART);
      await this.table.createEntity({
        partitionKey: SNAPSHOT_PARTITION,
        rowKey: partRow(generation, n),
        chunks: mine.length,
        ...Object.fromEntries(mine.map((c, i) => [`c${i}`, c])),
      });
    }
    await this.table.upsertEntity(
      { partitionKey: SNAPSHOT_PARTITION, rowKey: HEAD, epoch: snapshot.epoch, generation, parts, rows: snapshot.rows.length, syncedTo: snapshot.syncedTo },
      'Replace',
    );
    if (previous) {
      for (let n = 0; n < previous.parts; n++) {
        await this.table.deleteEntity(SNAPSHOT_PARTITION, partRow(previous.generation, n)).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      }
    }
  }

  private async rows(filter: string): Promise<StoredStatistics[]> {
    const found: StoredStatistics[] = [];
    const rows = this.table.listEntities<{ v: number; stats: string }>({ queryOptions: { filter } });
    for await (const row of rows) {
      found.push({ concernId: row.partitionKey ?? '', json: row.stats, version: row.v, changedAt: Date.parse(row.timestamp ?? ''), etag: row.etag });
    }
    return found;
  }
}
