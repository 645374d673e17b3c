import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { AuditEvent, AuditIntent } from './auditLog.js';
import { DoneMarker, duePartition, EVERY_DUE_PARTITION } from './outboxPointers.js';
import { deletions, getOrUndefined, settleInTransactions } from './tables.js';

/** An intent's row in its concern's partition, from the change's transaction until it is copied into the audit log. */
export const intentRowKey = (eventId: string) => `audit|${eventId}`;

/** The intent row, for the transaction that stores the change it records. */
export function auditEntity(concernId: string, intent: AuditIntent) {
  return { partitionKey: concernId, rowKey: intentRowKey(intent.eventId), auditEvent: JSON.stringify(intent.event) };
}

/**
 * How long after a change the recovery pass looks at its intent. The normal path copies an intent
 * within milliseconds of the change, so by then only intents a failure left behind are still there.
 */
export const LOOK_AFTER_MS = 60_000;

/** "Look at this intent from `lookAt`": where it is, and which day of the audit log it belongs to. */
export type AuditIntentIndexRow = {
  partitionKey: string;
  rowKey: string;
  concernId: string;
  eventId: string;
  /** The event's own time: the audit log keeps an event in the partition of its day. */
  eventAt: string;
  lookAt: string;
  /** When the row was first due, for a row a pass moved on (see postpone); absent until then. */
  since?: string;
};

/** Keyed by the instant first, so the rows due at a moment are one range of keys. */
const indexRowKey = (lookAt: string, concernId: string, eventId: string) => `audit|${lookAt}|${concernId}|${eventId}`;

function indexEntity(concernId: string, intent: AuditIntent, lookAt: Date): AuditIntentIndexRow {
  const at = lookAt.toISOString();
  return {
    partitionKey: duePartition(concernId),
    rowKey: indexRowKey(at, concernId, intent.eventId),
    concernId,
    eventId: intent.eventId,
    eventAt: intent.event.at,
    lookAt: at,
  };
}

/**
 * The index row for an intent about to be stored with a change made at `changedAt`, in the
 * concern's due partition (beside its outbox pointers and escalation row). Written ahead of the
 * change: a row whose change never lands is dropped by the recovery pass, while an intent without
 * a row would never be looked at.
 */
export function auditIntentIndexEntity(concernId: string, intent: AuditIntent, changedAt: Date): AuditIntentIndexRow {
  return indexEntity(concernId, intent, new Date(changedAt.getTime() + LOOK_AFTER_MS));
}

/**
 * The audit intents of the concerns table and the index that finds those left behind. An intent is
 * written in the transaction of the change it records and copied into the audit log just after;
 * its index row stays (deleting it on that path would cost every change one more Table call) and
 * is dropped by the recovery pass, which reads only the rows due: a pass costs the changes made
 * since the last one, not every concern ever stored.
 */
export class AuditIntentIndex {
  /** Present once every intent stored before the index existed has its row (stores older than the index are indexed from one scan). */
  private readonly built: DoneMarker;

  constructor(private readonly table: TableClient) {
    this.built = new DoneMarker(table, 'audit-intent-index-built');
  }

  /** Up to `limit` index rows due at `now`, from all sixteen due partitions in one range read. */
  async due(now: Date, limit = 500): Promise<AuditIntentIndexRow[]> {
    const rows: AuditIntentIndexRow[] = [];
    const filter = `${EVERY_DUE_PARTITION} and ${odata`RowKey ge 'audit|' and RowKey lt ${`audit|${now.toISOString()}}`}`}`;
    for await (const row of this.table.listEntities<AuditIntentIndexRow>({ queryOptions: { filter } })) {
      const { concernId, eventId, eventAt, lookAt, since } = row;
      rows.push({ partitionKey: row.partitionKey ?? '', rowKey: row.rowKey ?? '', concernId, eventId, eventAt, lookAt, ...(since ? { since } : {}) });
      if (rows.length >= limit) break;
    }
    return rows;
  }

  /** The intent an index row stands for, while it is still in its concern's partition (not copied yet, or its copy failed). */
  async intent(row: Pick<AuditIntentIndexRow, 'concernId' | 'eventId'>): Promise<AuditIntent | undefined> {
    const found = await getOrUndefined<{ auditEvent: string }>(this.table, row.concernId, intentRowKey(row.eventId));
    return found && { eventId: row.eventId, event: JSON.parse(found.auditEvent) as AuditEvent };
  }

  /** Removes index rows dealt with, batched by partition; one a racing pass removed first is no error. */
  async drop(rows: readonly Pick<AuditIntentIndexRow, 'partitionKey' | 'rowKey'>[]): Promise<void> {
    await settleInTransactions(this.table, deletions(rows));
  }

  /**
   * Moves rows still waiting to `until`, each keeping when it was first due (the grace counts from
   * then), in one transaction per partition: the new row and the old row's removal together, so a
   * row is never lost in between. A row a racing pass moved or dropped first: that partition's rows
   * go one by one (the new row first), a missing old row being no error; two passes moving the same
   * row leave two rows for one intent, which the pass looks at once.
   */
  async postpone(rows: readonly AuditIntentIndexRow[], until: Date): Promise<void> {
    const lookAt = until.toISOString();
    const moved = rows.map((row) => ({
      old: row,
      next: { ...row, rowKey: indexRowKey(lookAt, row.concernId, row.eventId), lookAt, since: row.since ?? row.lookAt },
    }));
    const actions = moved.flatMap(({ old, next }): TransactionAction[] => [['upsert', next, 'Replace'], ...deletions([old])]);
    await settleInTransactions(this.table, actions);
  }

  /**
   * Once per table: gives every intent stored before the index existed (by an older version of the
   * app) its index row, due at `now`, from one scan, then marks the table done. Without it such an
   * intent, left behind by a failure, would never be copied. Returns how many it indexed (0 once done).
   */
  async indexOnce(now: Date): Promise<number> {
    if (await this.built.isDone()) return 0;
    // The intent rows of every concern partition; the index's own rows (also 'audit|…') are left out.
    const filter = odata`RowKey ge 'audit|' and RowKey lt 'audit}' and (PartitionKey lt 'due|' or PartitionKey ge 'due}')`;
    const upserts: TransactionAction[] = [];
    for await (const row of this.table.listEntities<{ auditEvent: string }>({ queryOptions: { filter } })) {
      const intent: AuditIntent = { eventId: (row.rowKey ?? '').slice(intentRowKey('').length), event: JSON.parse(row.auditEvent) as AuditEvent };
      upserts.push(['upsert', indexEntity(row.partitionKey ?? '', intent, now), 'Replace']);
    }
    await settleInTransactions(this.table, upserts);
    await this.built.mark();
    return upserts.length;
  }
}
