import { createHash } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { OutboxEntry } from '../domain/outbox.js';
import { getOrUndefined, ignoringRace, isNotFound, isStale, mapConcurrently, submitInTransactions } from './tables.js';

/**
 * The partitions of each table that say what is due: a pointer for every outbox entry still to be
 * sent (and, in the concerns table, the escalation index). The dispatcher polls these alone, so a
 * poll costs what is due, not every row the table has ever held. An owner's rows all go to one of
 * sixteen (by a hash of the owner), so they can be written in one transaction while no partition
 * takes every write (Azure serves about 2,000 entities a second per partition).
 */
export function duePartition(owner: string): string {
  return `due|${createHash('sha256').update(owner).digest('hex').charAt(0)}`;
}

/** Every due partition: a range of partition keys ('}' sorts right after '|'). */
export const EVERY_DUE_PARTITION = odata`PartitionKey ge 'due|' and PartitionKey lt 'due}'`;

/** A pointer to one pending outbox entry: where it lives, whom it is for and when it is next due. */
export interface OutboxPointer {
  owner: string;
  entryRowKey: string;
  recipient: string;
  /** Never later than the entry's own: a pointer due early only costs a read of the entry. */
  nextAttemptAt: string;
}

export const pointerRowKey = (owner: string, entryRowKey: string) => `outbox|${owner}|${entryRowKey}`;

export function pointerEntity(owner: string, entry: Pick<OutboxEntry, 'rowKey' | 'recipient' | 'nextAttemptAt'>) {
  const pointer: OutboxPointer = { owner, entryRowKey: entry.rowKey, recipient: entry.recipient, nextAttemptAt: entry.nextAttemptAt };
  return { partitionKey: duePartition(owner), rowKey: pointerRowKey(owner, entry.rowKey), ...pointer };
}

/** Upserts of the pointers for an owner's new entries, for a transaction on the owner's due partition. */
function pointerActions(owner: string, entries: OutboxEntry[]): TransactionAction[] {
  return entries.map((entry): TransactionAction => ['upsert', pointerEntity(owner, entry), 'Replace']);
}

/**
 * Writes the pointers for entries about to be written (write-ahead): a pointer whose entry never
 * arrives is removed by the dispatcher later, while an entry without a pointer would never be sent.
 */
export async function writePointers(table: TableClient, owner: string, entries: OutboxEntry[], alsoDue: TransactionAction[] = []): Promise<void> {
  // `alsoDue`: more rows for the owner's due partition (a concern's escalation index row), in the same transaction.
  const actions = [...pointerActions(owner, entries), ...alsoDue];
  await submitInTransactions(table, actions);
}

/**
 * Moves a pointer later, only if nobody moved it since the poll read it (`pointerEtag`; a wake makes
 * it due earlier, and that must stand); a pointer found missing for a pending entry is written again.
 */
export async function movePointer(
  table: TableClient,
  owner: string,
  entry: Pick<OutboxEntry, 'rowKey' | 'recipient' | 'nextAttemptAt'> & { pointerEtag?: string },
  to: Date,
): Promise<void> {
  const moved = { partitionKey: duePartition(owner), rowKey: pointerRowKey(owner, entry.rowKey), nextAttemptAt: to.toISOString() };
  try {
    await table.updateEntity(moved, 'Merge', { etag: entry.pointerEtag ?? '*' });
  } catch (error) {
    if (isNotFound(error)) await table.upsertEntity(pointerEntity(owner, { ...entry, nextAttemptAt: to.toISOString() }), 'Replace');
    else if (!isStale(error)) throw error;
  }
}

export async function deletePointer(table: TableClient, owner: string, entryRowKey: string, etag: string): Promise<void> {
  await ignoringRace(() => table.deleteEntity(duePartition(owner), pointerRowKey(owner, entryRowKey), { etag }));
}

/** The filter for the pointers due at `now`. */
export function pointersDue(now: Date): string {
  return `${EVERY_DUE_PARTITION} and ${odata`RowKey ge 'outbox|' and RowKey lt 'outbox}' and nextAttemptAt le ${now.toISOString()}`}`;
}

/** The filter for the pointers to one recipient's entries. */
export function pointersFor(recipient: string): string {
  return `${EVERY_DUE_PARTITION} and ${odata`RowKey ge 'outbox|' and RowKey lt 'outbox}' and recipient eq ${recipient}`}`;
}

/**
 * A row in the due partitions saying that a piece of once-per-table work is done (indexing what an
 * older version of the app stored). Seen once, it never goes away: it is not read again.
 */
export class DoneMarker {
  private done = false;

  constructor(
    private readonly table: TableClient,
    private readonly name: string,
  ) {}

  async isDone(): Promise<boolean> {
    this.done ||= (await getOrUndefined(this.table, duePartition(this.name), this.name)) !== undefined;
    return this.done;
  }

  async mark(): Promise<void> {
    await this.table.upsertEntity({ partitionKey: duePartition(this.name), rowKey: this.name }, 'Replace');
    this.done = true;
  }
}

/**
 * Once per table: gives every pending entry written before pointers existed (by an older version
 * of the app) its pointer, from one scan, then marks the table done. Without it such an entry would
 * never be polled again. Returns how many it indexed (0 once done).
 */
export async function indexEntriesWithoutPointers(table: TableClient): Promise<number> {
  // Present once every entry written before the pointers existed has one.
  const marker = new DoneMarker(table, 'outbox-pointers-built');
  if (await marker.isDone()) return 0;
  const byOwner = new Map<string, OutboxEntry[]>();
  for await (const row of table.listEntities<OutboxEntry>({ queryOptions: { filter: odata`state eq 'pending'` } })) {
    const owner = row.partitionKey ?? '';
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), row]);
  }
  await mapConcurrently([...byOwner], 16, ([owner, entries]) => writePointers(table, owner, entries));
  await marker.mark();
  return [...byOwner.values()].reduce((sum, entries) => sum + entries.length, 0);
}
