import { odata, type TableClient } from '@azure/data-tables';
import type { OutboxEntry, OutboxState } from '../domain/outbox.js';
import { isConflict, isStale, rowsStartingWith } from './tables.js';

/** An outbox entry with where it lives and the ETag it was read with. */
export interface StoredOutboxEntry extends OutboxEntry {
  /** The aggregate (concern, group template) the entry belongs to: its partition. */
  ownerId: string;
  /** The table it lives in. */
  source: string;
  etag: string;
}

/** Outbox entries live beside the concern that caused them (see ConcernStore). */
export class OutboxStore {
  constructor(private readonly table: TableClient) {}

  get source(): string {
    return this.table.tableName;
  }

  /** Entries whose next attempt is due at `now`. */
  async due(now: Date, limit = 200): Promise<StoredOutboxEntry[]> {
    const due: StoredOutboxEntry[] = [];
    const rows = this.table.listEntities<OutboxEntry>({
      queryOptions: { filter: odata`state eq 'pending' and nextAttemptAt le ${now.toISOString()}` },
    });
    for await (const row of rows) {
      due.push({ ...row, ownerId: row.partitionKey ?? '', source: this.source, etag: row.etag });
      if (due.length >= limit) break;
    }
    return due.sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt));
  }

  /**
   * Claims an entry for one attempt by pushing its next attempt out by a lease, conditional on the
   * ETag: of two dispatchers (or two app instances) only one wins. Returns the new ETag, or
   * undefined when another dispatcher got there first.
   */
  async claim(entry: StoredOutboxEntry, leaseUntil: Date): Promise<string | undefined> {
    try {
      const result = await this.table.updateEntity(
        { partitionKey: entry.ownerId, rowKey: entry.rowKey, nextAttemptAt: leaseUntil.toISOString(), attempts: entry.attempts + 1 },
        'Merge',
        { etag: entry.etag },
      );
      return result.etag;
    } catch (error) {
      if (isStale(error)) return undefined;
      throw error;
    }
  }

  /** Records the result of an attempt: delivered, given up, or due again at `nextAttemptAt`. */
  async record(
    entry: StoredOutboxEntry,
    etag: string,
    result: { state: OutboxState; lastStatus?: number; activityId?: string; nextAttemptAt?: Date },
  ): Promise<void> {
    await this.table.updateEntity(
      {
        partitionKey: entry.ownerId,
        rowKey: entry.rowKey,
        state: result.state,
        ...(result.lastStatus !== undefined ? { lastStatus: result.lastStatus } : {}),
        ...(result.activityId !== undefined ? { activityId: result.activityId } : {}),
        ...(result.nextAttemptAt ? { nextAttemptAt: result.nextAttemptAt.toISOString() } : {}),
      },
      'Merge',
      { etag },
    );
  }

  /**
   * Gives back a claim whose send was abandoned (the app is shutting down): the entry is due again
   * at once, for another instance or the next start, with the attempt not counted. If the send
   * reached Teams after all, the recipient may see it twice; never none.
   */
  async release(entry: StoredOutboxEntry, etag: string, now: Date): Promise<void> {
    await this.table.updateEntity({ partitionKey: entry.ownerId, rowKey: entry.rowKey, nextAttemptAt: now.toISOString(), attempts: entry.attempts }, 'Merge', {
      etag,
    });
  }

  /** Makes a recipient's waiting entries due now (they installed the app, or a channel was linked). */
  async wake(recipient: string, now: Date): Promise<void> {
    const rows = this.table.listEntities<OutboxEntry>({ queryOptions: { filter: odata`state eq 'pending' and recipient eq ${recipient}` } });
    for await (const row of rows) {
      try {
        await this.table.updateEntity({ partitionKey: row.partitionKey!, rowKey: row.rowKey, nextAttemptAt: now.toISOString() }, 'Merge', { etag: row.etag });
      } catch (error) {
        if (!isStale(error)) throw error; // a dispatcher has it already
      }
    }
  }

  /** Adds entries to an owner's outbox; an entry that already exists is left as it is. */
  async add(ownerId: string, entries: OutboxEntry[]): Promise<void> {
    for (const entry of entries) {
      try {
        await this.table.createEntity({ partitionKey: ownerId, ...entry });
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
  }

  /**
   * Sends an entry again as an update of the message it already sent (its content changed: more
   * messages are waiting, or the wait is over). An entry not yet sent will show the latest anyway.
   */
  async rearm(ownerId: string, now: Date): Promise<void> {
    const rows = this.table.listEntities<OutboxEntry>({ queryOptions: { filter: rowsStartingWith(ownerId, 'outbox') } });
    for await (const row of rows) {
      if (row.state !== 'sent') continue;
      try {
        await this.table.updateEntity({ partitionKey: ownerId, rowKey: row.rowKey, state: 'pending', nextAttemptAt: now.toISOString(), attempts: 0 }, 'Merge', {
          etag: row.etag,
        });
      } catch (error) {
        if (!isStale(error)) throw error; // re-armed by someone else at the same moment
      }
    }
  }

  /** Every entry of one owner, for tests and support: which messages went where, and how. */
  async list(ownerId: string): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    const rows = this.table.listEntities<OutboxEntry>({
      queryOptions: { filter: rowsStartingWith(ownerId, 'outbox') },
    });
    for await (const row of rows) entries.push(row);
    return entries;
  }
}
