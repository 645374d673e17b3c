import { createHash, randomUUID } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { getOrUndefined, isConflict, rowsStartingWith } from './tables.js';

export type AuditAction =
  | 'concern.raised'
  | 'protocol.approval'
  | 'concern.viewed'
  | 'concern.changed'
  | 'concern.listed'
  | 'concern.refused'
  | 'concern.duplicateSubmit'
  | 'channel.linked'
  | 'request.refused'
  | 'template.changed'
  | 'reminder.sent'
  | 'concern.escalated'
  | 'protocol.collated'
  | 'signup.recorded'
  | 'signup.sent'
  | 'signup.exported'
  | 'protocol.exported'
  | 'protocol.reviewed'
  | 'concern.exported'
  | 'concern.trailViewed'
  | 'concern.legalHold'
  | 'concern.anonymised'
  | 'figures.viewed'
  | 'figures.exported'
  /** Someone given or removed from a role or group (reason: 'added|removed <position> <aadObjectId>'). */
  | 'people.changed';

/** One audit event: who did what to which record, and whether it was allowed. No free text from users. */
export interface AuditEvent {
  at: string;
  actorId: string;
  action: AuditAction;
  concernId?: string;
  outcome: 'allowed' | 'refused';
  reason?: string;
}

/**
 * An audit event written in the same write as the change it records (a concern's transaction, the
 * roster's entity), to be copied into the audit log just after: if the process dies in between, a
 * recovery pass makes the copy, so no change exists without its audit row. The id makes the copy
 * happen once.
 */
export interface AuditIntent {
  eventId: string;
  event: AuditEvent;
}

/** A row of the chain as stored: the event, its place in the day's chain and the hashes that link it. */
export interface ChainRow extends AuditEvent {
  seq: number;
  eventId: string;
  /** The hash of the row before it in the same day (GENESIS for the first). */
  prevHash: string;
  /** The hash of this row's own content, prevHash included. */
  hash: string;
}

/** What the first row of each day links to. */
export const GENESIS = '0'.repeat(64);
const CHAIN = 'chain|';
const MARKER = 'event|';
/** Rows sort by key ascending; counting down from here puts a day's newest row first, one read away. */
const SEQ_CEILING = 9_999_999_999;
/** One transaction holds at most 100 operations: a chain row and its marker per event. */
const EVENTS_PER_TRANSACTION = 50;

export const chainRowKey = (seq: number) => `${CHAIN}${String(SEQ_CEILING - seq).padStart(10, '0')}`;
const markerRowKey = (eventId: string) => `${MARKER}${eventId}`;
export const isChainRowKey = (rowKey: string) => rowKey.startsWith(CHAIN);
export const isMarkerRowKey = (rowKey: string) => rowKey.startsWith(MARKER);

/** The hash of a row: SHA-256 over its fields in a fixed order, so any change to any field shows. */
export function hashRow(row: Omit<ChainRow, 'hash'>): string {
  const fields = [row.seq, row.eventId, row.at, row.actorId, row.action, row.concernId ?? null, row.outcome, row.reason ?? null, row.prevHash];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

function eventOf(row: AuditEvent): AuditEvent {
  return {
    at: row.at,
    actorId: row.actorId,
    action: row.action,
    outcome: row.outcome,
    ...(row.concernId ? { concernId: row.concernId } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

type Head = { seq: number; hash: string };
type Waiting = { event: AuditEvent; eventId: string; done: (error?: Error) => void };

/**
 * The append-only audit log. Each day is a partition and a hash chain: every row carries the hash
 * of the row before it, so a changed, inserted or deleted row shows when the chain is walked
 * (auditChain.ts). The app's identity may only read and insert here, so appends use inserts alone:
 * a row's key is its sequence number, and of two writers racing for the same number one gets a
 * conflict, re-reads the head and goes again. Each event also writes a marker keyed by its id, in
 * the same transaction, so appending an event twice (a retry after a crash) is refused, not repeated.
 * Appends to one day queue in this process and go out together, one transaction per 50 events.
 */
export class AuditLog {
  private readonly heads = new Map<string, Head>();
  private readonly queues = new Map<string, Waiting[]>();

  constructor(private readonly table: TableClient) {}

  /** Appends an event. `eventId` makes it idempotent: an id already in the log is not added again. */
  append(event: AuditEvent, eventId: string = randomUUID()): Promise<void> {
    const day = event.at.slice(0, 10);
    return new Promise<void>((resolve, reject) => {
      const waiting: Waiting = { event: eventOf(event), eventId, done: (error) => (error === undefined ? resolve() : reject(error)) };
      const queue = this.queues.get(day);
      if (queue) {
        queue.push(waiting);
        return;
      }
      this.queues.set(day, [waiting]);
      void this.drain(day);
    });
  }

  /** Writes a day's queued events until none are left; only one drain per day runs at a time. */
  private async drain(day: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(day)!;
      if (!queue.length) {
        this.queues.delete(day);
        return;
      }
      const batch = queue.splice(0, EVENTS_PER_TRANSACTION);
      try {
        await this.write(day, batch);
        for (const w of batch) w.done();
      } catch (error) {
        for (const w of batch) w.done(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private async write(day: string, batch: Waiting[]): Promise<void> {
    // The same event twice in one batch (a recovery pass racing the normal copy) is written once:
    // two markers with one key would fail the whole transaction.
    let pending = batch.filter((w, i) => batch.findIndex((other) => other.eventId === w.eventId) === i);
    for (let attempt = 1; pending.length; attempt++) {
      const head = this.heads.get(day) ?? (await this.readHead(day));
      const actions: TransactionAction[] = [];
      let last = head;
      for (const { event, eventId } of pending) {
        const content = { ...event, seq: last.seq + 1, eventId, prevHash: last.hash };
        const row: ChainRow = { ...content, hash: hashRow(content) };
        actions.push(['create', { partitionKey: day, rowKey: chainRowKey(row.seq), ...row }]);
        actions.push(['create', { partitionKey: day, rowKey: markerRowKey(eventId), seq: row.seq }]);
        last = { seq: row.seq, hash: row.hash };
      }
      try {
        await this.table.submitTransaction(actions);
        this.heads.set(day, last);
        return;
      } catch (error) {
        this.heads.delete(day);
        // Another writer took the next number, or an event is already in the log: drop what is there and go again.
        if (!isConflict(error) || attempt >= 20) throw error;
        const present = await Promise.all(pending.map(({ eventId }) => getOrUndefined(this.table, day, markerRowKey(eventId))));
        pending = pending.filter((_, i) => present[i] === undefined);
      }
    }
  }

  private async readHead(day: string): Promise<Head> {
    const rows = this.table.listEntities<ChainRow>({
      queryOptions: { filter: rowsStartingWith(day, 'chain') },
    });
    for await (const row of rows) return { seq: row.seq, hash: row.hash };
    return { seq: 0, hash: GENESIS };
  }

  /** Whether the event with this id, which happened at `at`, is in the log: one read of its marker in the day's partition. */
  async has(eventId: string, at: string): Promise<boolean> {
    return (await getOrUndefined(this.table, at.slice(0, 10), markerRowKey(eventId))) !== undefined;
  }

  /** Events about one concern, oldest first. */
  async forConcern(concernId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for await (const row of this.table.listEntities<ChainRow>({ queryOptions: { filter: odata`concernId eq ${concernId}` } })) events.push(eventOf(row));
    return events.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Every event of one day (UTC), oldest first. */
  async forDay(day: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    const rows = this.table.listEntities<ChainRow>({
      queryOptions: { filter: rowsStartingWith(day, 'chain') },
    });
    for await (const row of rows) events.push(eventOf(row));
    return events.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Every row as stored, for walking the chains. */
  rows(): AsyncIterable<Record<string, unknown> & { partitionKey?: string; rowKey?: string }> {
    return this.table.listEntities<Record<string, unknown>>();
  }
}
