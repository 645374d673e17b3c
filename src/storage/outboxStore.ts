import type { TableClient } from '@azure/data-tables';
import type { OutboxEntry } from '../domain/outbox.js';
import { claimEntry, resultFields, writeUnderClaim, type AttemptResult, type Claim, type ClaimedRow } from './outboxClaims.js';
import {
  deletePointer,
  indexEntriesWithoutPointers,
  movePointer,
  pointerEntity,
  pointersDue,
  pointersFor,
  writePointers,
  type OutboxPointer,
} from './outboxPointers.js';
import { getOrUndefined, ignoringRace, isConflict, isNotFound, isStale, mapConcurrently, rewriteOnStale, rowsStartingWith } from './tables.js';

export type { AttemptResult, Claim } from './outboxClaims.js';

/** An outbox entry with where it lives and the ETag it was read with. */
export interface StoredOutboxEntry extends OutboxEntry {
  /** The aggregate (concern, group template) the entry belongs to: its partition. */
  ownerId: string;
  /** The table it lives in. */
  source: string;
  etag: string;
  /** The ETag of the entry's pointer as the poll read it: the pointer is moved later only if nobody moved it since. */
  pointerEtag?: string;
}

/**
 * How long a pointer may be past due with no pending entry behind it before a poll removes it: the
 * time a writer has between writing the pointer and writing its entry (or making a sent entry
 * pending again), so a poll never removes a pointer whose entry is on its way. Generous, because a
 * write can be held up by failing storage long after the person was answered; a pointer left
 * behind (a second submit of the same card) only costs a read per poll until then.
 */
export const POINTER_GRACE_MS = 15 * 60_000;
/** An entry due later than this is waiting for its recipient, not claimed: a claim's lease is a minute. */
const WAITING_BEYOND_MS = 5 * 60_000;
/** Entries read at once behind the pointers of one poll. */
const READS_AT_ONCE = 32;

type StoredPointer = OutboxPointer & { etag: string };

/**
 * Outbox entries live beside the aggregate that caused them (see ConcernStore); each pending one
 * has a pointer in its table's due partition (outboxPointers.ts), which is all a poll reads.
 */
export class OutboxStore {
  /** Entries from before the pointers, given theirs: once per table, before the first poll. */
  private indexed: Promise<number> | undefined;

  constructor(private readonly table: TableClient) {}

  get source(): string {
    return this.table.tableName;
  }

  /**
   * Entries whose next attempt is due at `now`; `more` when there were more pointers due than
   * `limit` and this page had work (a page of entries claimed elsewhere would only be read again).
   * The entries of recipients `held` says cannot be sent to yet are not read.
   */
  async due(now: Date, limit = 200, held: (recipient: string) => boolean = () => false): Promise<{ entries: StoredOutboxEntry[]; more: boolean }> {
    this.indexed ??= indexEntriesWithoutPointers(this.table).catch((error: unknown) => {
      this.indexed = undefined; // tried again by the next poll
      throw error;
    });
    await this.indexed;
    const pointers: StoredPointer[] = [];
    for await (const row of this.table.listEntities<OutboxPointer>({ queryOptions: { filter: pointersDue(now) } })) {
      if (held(row.recipient)) continue;
      pointers.push({ ...row, etag: row.etag });
      if (pointers.length >= limit) break;
    }
    const found = await mapConcurrently(pointers, READS_AT_ONCE, (pointer) => this.entryBehind(pointer, now));
    const entries = found.filter((entry): entry is StoredOutboxEntry => entry !== undefined);
    return { entries: entries.sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt)), more: pointers.length >= limit && entries.length > 0 };
  }

  /** The pending entry a due pointer stands for, if it is due too; removes a pointer left behind. */
  private async entryBehind(pointer: StoredPointer, now: Date): Promise<StoredOutboxEntry | undefined> {
    const entry = await getOrUndefined<OutboxEntry>(this.table, pointer.owner, pointer.entryRowKey);
    if (entry?.state === 'pending') {
      // Not due yet: claimed by a dispatcher, or due later than its pointer says (a crash between the two writes).
      if (entry.nextAttemptAt > now.toISOString()) return undefined;
      return { ...entry, ownerId: pointer.owner, source: this.source, etag: entry.etag, pointerEtag: pointer.etag };
    }
    if (Date.parse(pointer.nextAttemptAt) < now.getTime() - POINTER_GRACE_MS) await deletePointer(this.table, pointer.owner, pointer.entryRowKey, pointer.etag);
    return undefined;
  }

  /** Claims an entry for one attempt (outboxClaims.ts). The pointer stays: due early, it costs a read of the entry until the attempt is recorded. */
  claim(entry: StoredOutboxEntry, leaseUntil: Date): Promise<Claim | undefined> {
    return claimEntry(this.table, entry, leaseUntil);
  }

  /**
   * Records the result of an attempt: delivered, given up, or due again at `nextAttemptAt`. An entry
   * re-armed while this attempt was under way may have been sent with what it said before: recorded
   * as sent, with the id of the message to update, it is due again at once, as an update.
   */
  async record(entry: StoredOutboxEntry, claim: Claim, result: AttemptResult): Promise<void> {
    let again = false;
    await writeUnderClaim(this.table, entry, claim, (row) => {
      again = result.state === 'sent' && row?.rearmed === true && (result.activityId ?? row.activityId) !== undefined;
      return again ? { ...resultFields(result), state: 'pending', attempts: 0, rearmed: false, nextAttemptAt: entry.nextAttemptAt } : resultFields(result);
    });
    if (again) await movePointer(this.table, entry.ownerId, entry, new Date(entry.nextAttemptAt));
    else if (result.state !== 'pending') await deletePointer(this.table, entry.ownerId, entry.rowKey, entry.pointerEtag ?? '*');
    else if (result.nextAttemptAt) await movePointer(this.table, entry.ownerId, entry, result.nextAttemptAt);
  }

  /**
   * Gives back a claim whose send was abandoned (the app is shutting down): the entry is due again
   * at once, for another instance or the next start, with the attempt not counted. If the send
   * reached Teams after all, the recipient may see it twice; never none.
   */
  async release(entry: StoredOutboxEntry, claim: Claim, now: Date): Promise<void> {
    await writeUnderClaim(this.table, entry, claim, () => ({ nextAttemptAt: now.toISOString(), attempts: entry.attempts }));
    await movePointer(this.table, entry.ownerId, entry, now);
  }

  /** Makes a recipient's waiting entries due now (they installed the app, or a channel was linked). */
  async wake(recipient: string, now: Date): Promise<void> {
    for await (const pointer of this.table.listEntities<OutboxPointer>({ queryOptions: { filter: pointersFor(recipient) } })) {
      try {
        // The pointer first: an entry is never due before its pointer.
        await this.table.updateEntity({ partitionKey: pointer.partitionKey!, rowKey: pointer.rowKey!, nextAttemptAt: now.toISOString() }, 'Merge', {
          etag: pointer.etag,
        });
        await this.wakeEntry(pointer.owner, pointer.entryRowKey, now);
      } catch (error) {
        if (!isStale(error) && !isNotFound(error)) throw error; // a dispatcher has it already, or it was sent meanwhile
      }
    }
  }

  /** Adds entries to an owner's outbox; an entry that already exists is left as it is. */
  async add(ownerId: string, entries: OutboxEntry[]): Promise<void> {
    // Only the new ones get pointers: a pointer for an entry sent long ago would cost every poll a read until removed.
    const existing = await mapConcurrently(entries, READS_AT_ONCE, (entry) => getOrUndefined(this.table, ownerId, entry.rowKey));
    const fresh = entries.filter((_, i) => !existing[i]);
    await writePointers(this.table, ownerId, fresh);
    for (const entry of fresh) {
      try {
        await this.table.createEntity({ partitionKey: ownerId, ...entry });
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
  }

  /**
   * Makes an entry waiting for its recipient (due much later) due now. One due sooner is due anyway,
   * or claimed under a lease, which must stand. Looked at again when it changed under the wake (a
   * re-arm marks a waiting entry when another message queues behind the same cause).
   */
  private async wakeEntry(owner: string, rowKey: string, now: Date): Promise<void> {
    const read = () => getOrUndefined<OutboxEntry>(this.table, owner, rowKey);
    await rewriteOnStale(await read(), read, async (entry) => {
      if (entry.state !== 'pending' || Date.parse(entry.nextAttemptAt) <= now.getTime() + WAITING_BEYOND_MS) return;
      await this.table.updateEntity({ partitionKey: owner, rowKey, nextAttemptAt: now.toISOString() }, 'Merge', { etag: entry.etag });
    });
  }

  /**
   * Sends an entry again as an update of the message it already sent (its content changed: more
   * messages are waiting, or the wait is over). An entry not sent yet is marked instead: if an
   * attempt is sending it this moment, from content read before the change, it goes again (record).
   */
  async rearm(ownerId: string, now: Date): Promise<void> {
    const rows = this.table.listEntities<OutboxEntry>({ queryOptions: { filter: rowsStartingWith(ownerId, 'outbox') } });
    for await (const row of rows) await this.rearmOne(ownerId, row, now);
  }

  private async rearmOne(ownerId: string, row: ClaimedRow, now: Date): Promise<void> {
    // Claimed, sent or re-armed meanwhile: looked at again.
    await rewriteOnStale(
      row,
      () => getOrUndefined<ClaimedRow>(this.table, ownerId, row.rowKey),
      async (entry) => {
        if (entry.state === 'sent') {
          await this.table.upsertEntity(pointerEntity(ownerId, { ...entry, nextAttemptAt: now.toISOString() }), 'Replace');
          const due = { state: 'pending', nextAttemptAt: now.toISOString(), attempts: 0, claimId: '' }; // a late record of its last send is not this one's
          await this.table.updateEntity({ partitionKey: ownerId, rowKey: entry.rowKey, ...due }, 'Merge', { etag: entry.etag });
        } else if (entry.state === 'pending' && !entry.rearmed) {
          await this.table.updateEntity({ partitionKey: ownerId, rowKey: entry.rowKey, rearmed: true }, 'Merge', { etag: entry.etag });
        }
      },
    );
  }

  /**
   * Rewrites the content of an entry not yet tried and makes it due at `dueAt`. An entry already
   * tried (it fell due first) is left to go as it was written.
   */
  async revise(ownerId: string, rowKey: string, payload: string, dueAt: Date): Promise<void> {
    const entry = await getOrUndefined<OutboxEntry>(this.table, ownerId, rowKey);
    if (entry?.state !== 'pending' || entry.attempts > 0) return;
    await this.table.upsertEntity(pointerEntity(ownerId, { ...entry, nextAttemptAt: dueAt.toISOString() }), 'Replace');
    await ignoringRace(() =>
      this.table.updateEntity({ partitionKey: ownerId, rowKey, payload, nextAttemptAt: dueAt.toISOString() }, 'Merge', { etag: entry.etag }),
    );
  }

  /** Marks an entry not yet tried as no longer worth sending (superseded), with its pointer. */
  async withdraw(ownerId: string, rowKey: string): Promise<void> {
    const entry = await getOrUndefined<OutboxEntry>(this.table, ownerId, rowKey);
    if (entry?.state !== 'pending' || entry.attempts > 0) return;
    await this.table.updateEntity({ partitionKey: ownerId, rowKey, state: 'superseded' }, 'Merge', { etag: entry.etag });
    await deletePointer(this.table, ownerId, rowKey, '*');
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
