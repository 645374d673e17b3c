import { randomUUID } from 'node:crypto';
import type { IndexedRow } from '../domain/figures.js';
import { LocalDays } from '../domain/figurePeriods.js';
import { STATISTICS_VERSION, statisticsRow, type StatisticsRow } from '../domain/statistics.js';
import type { StatisticsSnapshot, StatisticsStore, StoredStatistics } from '../storage/statisticsStore.js';

/**
 * Each sync reads the rows the storage stamped from this long before the point the last sync
 * reached, and a sync reaches at least this long before it started: so a write committed up to
 * twice this late, or stamped by a clock up to twice this far behind ours, is still read. Reading a
 * row twice changes nothing.
 */
export const SYNC_OVERLAP_MS = 15_000;
/** After this many changed rows since the snapshot, a new snapshot is saved. */
export const SNAPSHOT_AFTER_CHANGES = 1_000;
/** The epoch of a projection never rebuilt. */
const FIRST_EPOCH = 'first';

/** How the index came to be current for this read: for the bench and the logs. */
export interface SyncReport {
  /** 'snapshot': a snapshot plus the rows changed since; 'rows': every row read; 'memory': already loaded, changes read. */
  source: 'snapshot' | 'rows' | 'memory';
  /** Rows read by the incremental read (or all of them). */
  rowsRead: number;
  /** Rows in the index after it. */
  size: number;
}

/** What a rebuild found and did. */
export interface RebuildReport {
  concerns: number;
  written: number;
  unchanged: number;
  removed: number;
  /** Rows written by the concerns' own transactions while the rebuild ran (theirs are newer; left alone). */
  skipped: number;
}

export interface StatisticsIndexDeps {
  store: StatisticsStore;
  timeZone: string;
  /**
   * The wall clock, compared with the storage's own Timestamps: never the app's Clock, which tests
   * set to another year while the emulator stamps rows with the real time.
   */
  wallClock?: () => number;
}

/**
 * The statistics projection of every concern, in memory, so a figure counts rows already here
 * instead of reading 100,000 rows from storage (Azurite takes seconds to page through that many).
 * The first use loads the latest snapshot and then the rows changed since it; every later use
 * reads only the rows changed since the last read, so changes made by this process or any other
 * are counted at once. A rebuild (npm run figures:rebuild) starts a new epoch, and every index
 * reloads when it sees one. One per app; reads that arrive together share one sync.
 */
export class StatisticsIndex {
  private rows = new Map<string, IndexedRow>();
  private days: LocalDays;
  private epoch: string | undefined;
  private syncedTo = 0;
  private changedSinceSnapshot = 0;
  private syncing: Promise<SyncReport> | undefined;

  private readonly wallClock: () => number;

  constructor(private readonly deps: StatisticsIndexDeps) {
    this.days = new LocalDays(deps.timeZone);
    this.wallClock = deps.wallClock ?? Date.now;
  }

  /** Brings the index up to date and returns its rows. */
  async current(): Promise<{ rows: Iterable<IndexedRow>; report: SyncReport; earliestRaisedOn: string | undefined }> {
    this.syncing ??= this.sync().finally(() => (this.syncing = undefined));
    const report = await this.syncing;
    let earliest: string | undefined;
    for (const row of this.rows.values()) if (earliest === undefined || row.raisedOn < earliest) earliest = row.raisedOn;
    return { rows: this.rows.values(), report, earliestRaisedOn: earliest };
  }

  private async sync(): Promise<SyncReport> {
    const head = await this.deps.store.head();
    if (this.epoch !== undefined && (head?.epoch ?? FIRST_EPOCH) === this.epoch) return this.applyChanges('memory');
    const snapshot = head ? await this.deps.store.readSnapshot() : undefined;
    if (snapshot && snapshot.version === STATISTICS_VERSION && snapshot.timeZone === this.deps.timeZone) {
      this.reset(snapshot.epoch);
      this.rows = new Map(snapshot.rows);
      this.syncedTo = snapshot.syncedTo;
      return this.applyChanges('snapshot');
    }
    return this.loadAll(head?.epoch ?? FIRST_EPOCH);
  }

  /** Reads every row, then saves a snapshot so the next start does not have to. */
  private async loadAll(epoch: string): Promise<SyncReport> {
    this.reset(epoch);
    const started = this.wallClock();
    const stored = await this.deps.store.all();
    for (const row of stored) this.apply(row);
    this.syncedTo = Math.max(this.syncedTo, started - SYNC_OVERLAP_MS);
    await this.saveSnapshot();
    return { source: 'rows', rowsRead: stored.length, size: this.rows.size };
  }

  private async applyChanges(source: SyncReport['source']): Promise<SyncReport> {
    const started = this.wallClock();
    const changed = await this.deps.store.changedSince(this.syncedTo - SYNC_OVERLAP_MS);
    for (const row of changed) if (this.apply(row)) this.changedSinceSnapshot++;
    // Every row committed before this sync started is in now: the next one need not go further back than that.
    this.syncedTo = Math.max(this.syncedTo, started - SYNC_OVERLAP_MS);
    if (this.changedSinceSnapshot >= SNAPSHOT_AFTER_CHANGES) await this.saveSnapshot();
    return { source, rowsRead: changed.length, size: this.rows.size };
  }

  /** Takes a stored row into the index; true when it changed what the index held. */
  private apply(stored: StoredStatistics): boolean {
    if (Number.isFinite(stored.changedAt)) this.syncedTo = Math.max(this.syncedTo, stored.changedAt);
    // A row of another shape is left out until a rebuild rewrites it (the rebuild says how many).
    if (stored.version !== STATISTICS_VERSION) return false;
    const row = JSON.parse(stored.json) as StatisticsRow;
    const held = this.rows.get(stored.concernId);
    if (held && JSON.stringify(withoutDay(held)) === stored.json) return false;
    this.rows.set(stored.concernId, this.indexed(row));
    return true;
  }

  private indexed(row: StatisticsRow): IndexedRow {
    return { ...row, raisedOn: this.days.dayOf(row.raisedAt) };
  }

  private reset(epoch: string): void {
    this.rows = new Map();
    this.days = new LocalDays(this.deps.timeZone);
    this.epoch = epoch;
    this.syncedTo = 0;
    this.changedSinceSnapshot = 0;
  }

  private async saveSnapshot(): Promise<void> {
    const snapshot: StatisticsSnapshot = {
      epoch: this.epoch ?? FIRST_EPOCH,
      syncedTo: this.syncedTo,
      timeZone: this.deps.timeZone,
      version: STATISTICS_VERSION,
      rows: [...this.rows.entries()],
    };
    await this.deps.store.writeSnapshot(snapshot);
    this.changedSinceSnapshot = 0;
  }

  /**
   * Rebuilds the projection from the concern records: every row that differs from what its record
   * gives is rewritten, a missing one is written, and a row whose concern is gone is removed. A row
   * the concern's own transaction changed meanwhile is left (it is newer). Then a new epoch starts,
   * with a fresh snapshot, so every running index reloads.
   */
  async rebuild(): Promise<RebuildReport> {
    const stored = new Map((await this.deps.store.all()).map((row) => [row.concernId, row]));
    const report: RebuildReport = { concerns: 0, written: 0, unchanged: 0, removed: 0, skipped: 0 };
    for await (const record of this.deps.store.records()) {
      report.concerns++;
      const held = stored.get(record.id);
      stored.delete(record.id);
      if (held && held.version === STATISTICS_VERSION && held.json === JSON.stringify(statisticsRow(record))) report.unchanged++;
      else if (await this.deps.store.repair(record, held?.etag)) report.written++;
      else report.skipped++;
    }
    for (const orphan of stored.values()) {
      await this.deps.store.remove(orphan.concernId, orphan.etag);
      report.removed++;
    }
    await this.loadAll(randomUUID());
    return report;
  }
}

function withoutDay(row: IndexedRow): StatisticsRow {
  const copy: Partial<IndexedRow> = { ...row };
  delete copy.raisedOn;
  return copy as StatisticsRow;
}
